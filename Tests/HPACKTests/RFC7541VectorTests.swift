import Testing
@testable import HPACK

func hex(_ s: String) -> [UInt8] {
    let clean = s.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var i = clean.startIndex
    while i < clean.endIndex {
        let j = clean.index(i, offsetBy: 2)
        out.append(UInt8(clean[i..<j], radix: 16)!)
        i = j
    }
    return out
}

func fields(_ pairs: [(String, String)]) -> [HeaderField] { pairs.map { HeaderField($0.0, $0.1) } }

@Suite("RFC 7541 Appendix C")
struct RFC7541VectorTests {
    @Test(
        "C.1 integers",
        arguments: [
            (10, 5, [UInt8(0x0a)]), (1337, 5, [0x1f, 0x9a, 0x0a]), (42, 8, [0x2a]),
        ])
    func integers(value: Int, prefix: Int, bytes: [UInt8]) throws {
        var out: [UInt8] = []
        IntegerCoding.encode(value, prefixBits: prefix, flags: 0, into: &out)
        #expect(out == bytes)
        var index = 0
        let decoded = try bytes.withUnsafeBufferPointer {
            try IntegerCoding.decode($0, index: &index, prefixBits: prefix)
        }
        #expect(decoded == value)
        #expect(index == bytes.count)
    }

    @Test("C.2.1 literal with indexing, new name")
    func c21() throws {
        var d = Decoder()
        let r = try d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"))
        #expect(r.fields == fields([("custom-key", "custom-header")]))
        #expect(d.dynamicTableSize == 55)
        #expect(d.dynamicEntries == fields([("custom-key", "custom-header")]))
    }

    @Test("C.2.2 literal without indexing")
    func c22() throws {
        var d = Decoder()
        let r = try d.decode(hex("040c 2f73 616d 706c 652f 7061 7468"))
        #expect(r.fields == fields([(":path", "/sample/path")]))
        #expect(d.dynamicTableSize == 0)
    }

    @Test("C.2.3 never indexed keeps its flag")
    func c23() throws {
        var d = Decoder()
        let r = try d.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74"))
        #expect(r.fields == [HeaderField("password", "secret", neverIndexed: true)])
        #expect(d.dynamicTableSize == 0)
    }

    @Test("C.2.4 indexed")
    func c24() throws {
        var d = Decoder()
        #expect(try d.decode([0x82]).fields == fields([(":method", "GET")]))
    }

    static let requests: [[(String, String)]] = [
        [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
        [
            (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"),
            ("cache-control", "no-cache"),
        ],
        [
            (":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"),
            ("custom-key", "custom-value"),
        ],
    ]
    static let requestTables: [([(String, String)], Int)] = [
        ([(":authority", "www.example.com")], 57),
        ([("cache-control", "no-cache"), (":authority", "www.example.com")], 110),
        ([("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com")], 164),
    ]

    @Test(
        "C.3 and C.4 requests share one table",
        arguments: [
            [
                "828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865",
                "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
            ],
            [
                "828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf",
                "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
            ],
        ])
    func requests(blocks: [String]) throws {
        var d = Decoder()
        for (i, block) in blocks.enumerated() {
            #expect(try d.decode(hex(block)).fields == fields(Self.requests[i]))
            #expect(d.dynamicEntries == fields(Self.requestTables[i].0))
            #expect(d.dynamicTableSize == Self.requestTables[i].1)
        }
    }

    static let responses: [[(String, String)]] = [
        [
            (":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com"),
        ],
        [
            (":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com"),
        ],
        [
            (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            ("location", "https://www.example.com"), ("content-encoding", "gzip"),
            ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
        ],
    ]
    static let responseTables: [([(String, String)], Int)] = [
        (
            [
                ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                ("cache-control", "private"), (":status", "302"),
            ], 222
        ),
        (
            [
                (":status", "307"), ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                ("cache-control", "private"),
            ], 222
        ),
        (
            [
                ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
                ("content-encoding", "gzip"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            ], 215
        ),
    ]

    @Test(
        "C.5 and C.6 responses evict with a 256-octet table",
        arguments: [
            [
                "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                "4803333037c1c0bf",
                "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
            ],
            [
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
                "4883640effc1c0bf",
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
            ],
        ])
    func responses(blocks: [String]) throws {
        var d = Decoder(maxTableSize: 256)
        for (i, block) in blocks.enumerated() {
            #expect(try d.decode(hex(block)).fields == fields(Self.responses[i]))
            #expect(d.dynamicEntries == fields(Self.responseTables[i].0))
            #expect(d.dynamicTableSize == Self.responseTables[i].1)
        }
    }

    @Test("Appendix A: all 61 static entries decode by index")
    func staticTable() throws {
        #expect(StaticTable.entries.count == 61)
        var d = Decoder()
        #expect(try d.decode([0x80 | 1]).fields == fields([(":authority", "")]))
        #expect(try d.decode([0x80 | 8]).fields == fields([(":status", "200")]))
        #expect(try d.decode([0x80 | 16]).fields == fields([("accept-encoding", "gzip, deflate")]))
        #expect(try d.decode([0x80 | 61]).fields == fields([("www-authenticate", "")]))
        #expect(throws: HPACKError.indexOutOfRange(62)) { try d.decode([0x80 | 62]) }
    }
}

import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

@Suite("the glitch budget against floods")
struct GlitchBudgetTests {
    @Test("Rapid Reset (CVE-2023-44487): HEADERS + RST_STREAM repeated ends in GOAWAY ENHANCE_YOUR_CALM")
    func rapidReset() {
        let h = Harness()
        var stream: UInt32 = 1
        for _ in 0..<250 {
            h.headers(stream, Harness.grpc, endStream: false)
            h.send(.rstStream, stream: stream, u32(8))
            stream += 2
        }
        let goaway = h.frames().last
        #expect(goaway?.type == 0x7 && goaway?.errorCode == ErrorCode.enhanceYourCalm.rawValue)
        #expect(h.conn.isClosing)
    }

    @Test("PINGs are not glitches: 500 PINGs with no stream open, each after an answer, leave the budget whole")
    func pings() {
        let h = Harness()
        for i in 0..<500 {
            let id = UInt32(2 * i + 1)
            h.headers(id, Harness.grpc, endStream: true)
            h.conn.sendHeaders(
                stream: id, fields: [HeaderField(":status", "200"), HeaderField("grpc-status", "0")], endStream: true)
            h.send(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        }
        #expect(!h.conn.isClosing)
        // The burst of 200 is still whole (less the client's SETTINGS): 199 resets fit, the next is over.
        var stream: UInt32 = 1001
        for _ in 0..<199 {
            h.headers(stream, Harness.grpc, endStream: false)
            h.send(.rstStream, stream: stream, u32(8))
            stream += 2
        }
        #expect(!h.conn.isClosing)
        h.headers(stream, Harness.grpc, endStream: false)
        h.send(.rstStream, stream: stream, u32(8))
        #expect(h.conn.isClosing && h.conn.closeReason == .glitchBudget)
    }

    @Test("SETTINGS and empty DATA floods are stopped too", arguments: ["settings", "empty-data"])
    func floods(kind: String) {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        for _ in 0..<250 {
            if kind == "settings" { h.send(.settings, stream: 0, []) } else { h.send(.data, stream: 1, []) }
        }
        #expect(h.conn.isClosing)
    }

    @Test("the budget refills with time: a steady trickle of resets is fine")
    func refill() {
        let h = Harness()
        var stream: UInt32 = 1
        for _ in 0..<1000 {
            h.now += 50_000_000 // 20 resets a second, below the 50/s refill
            h.headers(stream, Harness.grpc, endStream: false)
            h.send(.rstStream, stream: stream, u32(8))
            stream += 2
        }
        #expect(!h.conn.isClosing)
    }
}

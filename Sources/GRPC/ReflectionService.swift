/// gRPC server reflection (`grpc.reflection.v1` and `v1alpha` `ServerReflection/ServerReflectionInfo`),
/// so that grpcurl-style tools can list the services and read their descriptors. The descriptors come
/// from a serialized FileDescriptorSet; messages are read and written on the wire format directly.
public struct ReflectionService: Sendable {
    struct File: Sendable {
        var name: String
        var bytes: [UInt8]
        var dependencies: [String]
        var symbols: Set<String>
    }

    let files: [String: File]
    let services: [String]

    public static let names = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]

    /// `services`: the names `list_services` reports.
    public init(fileDescriptorSet: [UInt8], services: [String]) {
        var files: [String: File] = [:]
        for (n, fileBytes) in Self.fields(fileDescriptorSet) where n == 1 {
            let f = Self.parseFile(Array(fileBytes))
            files[f.name] = f
        }
        self.files = files
        self.services = services.sorted()
    }

    public var grpcServices: [Service] {
        Self.names.map { name in
            Service(name: name, streams: ["ServerReflectionInfo": { request, _ in self.answer(request) }])
        }
    }

    /// The length-delimited fields of a message, as (number, payload); other wire types are skipped.
    static func fields(_ b: [UInt8]) -> [(Int, ArraySlice<UInt8>)] {
        var out: [(Int, ArraySlice<UInt8>)] = []
        var i = 0
        func varint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while i < b.count, shift < 64 {
                let byte = b[i]; i += 1
                v |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }
        while i < b.count {
            guard let key = varint() else { break }
            switch key & 7 {
            case 0: guard varint() != nil else { return out }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let n = varint(), Int(n) <= b.count - i else { return out }
                out.append((Int(key >> 3), b[i..<(i + Int(n))]))
                i += Int(n)
            default: return out
            }
        }
        return out
    }

    static func string(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }

    /// FileDescriptorProto: 1 name, 2 package, 3 dependency, 4 message_type, 5 enum_type, 6 service.
    static func parseFile(_ bytes: [UInt8]) -> File {
        var f = File(name: "", bytes: bytes, dependencies: [], symbols: [])
        var package = ""
        var nested: [(Int, ArraySlice<UInt8>)] = []
        for (n, v) in fields(bytes) {
            switch n {
            case 1: f.name = string(v)
            case 2: package = string(v)
            case 3: f.dependencies.append(string(v))
            case 4, 5, 6: nested.append((n, v))
            default: break
            }
        }
        let prefix = package.isEmpty ? "" : package + "."
        for (n, v) in nested { collect(kind: n, Array(v), prefix: prefix, into: &f.symbols) }
        return f
    }

    /// Messages (with their nested messages and enums), enums, services and their methods.
    static func collect(kind: Int, _ bytes: [UInt8], prefix: String, into symbols: inout Set<String>) {
        let fs = fields(bytes)
        guard let name = fs.first(where: { $0.0 == 1 }).map({ string($0.1) }) else { return }
        let full = prefix + name
        symbols.insert(full)
        for (n, v) in fs {
            if kind == 4 && (n == 3 || n == 4) {
                collect(kind: n == 3 ? 4 : 5, Array(v), prefix: full + ".", into: &symbols)
            }
            if kind == 6 && n == 2, let m = fields(Array(v)).first(where: { $0.0 == 1 }) {
                symbols.insert(full + "." + string(m.1))
            }
        }
    }

    /// A file and everything it imports, the file first.
    func withDependencies(_ name: String) -> [File] {
        var out: [File] = []
        var seen = Set<String>()
        var queue = [name]
        while let next = queue.first {
            queue.removeFirst()
            guard seen.insert(next).inserted, let f = files[next] else { continue }
            out.append(f)
            queue += f.dependencies
        }
        return out
    }

    /// ServerReflectionRequest → ServerReflectionResponse.
    func answer(_ request: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        func field(_ n: Int, _ payload: [UInt8]) {
            appendVarint(UInt64(n << 3 | 2), &out)
            appendVarint(UInt64(payload.count), &out)
            out += payload
        }
        func message(_ n: Int, _ payload: [UInt8]) -> [UInt8] {
            var m: [UInt8] = []
            appendVarint(UInt64(n << 3 | 2), &m)
            appendVarint(UInt64(payload.count), &m)
            return m + payload
        }
        let fs = Self.fields(request)
        if let host = fs.first(where: { $0.0 == 1 }) { field(1, Array(host.1)) }
        field(2, request)
        func respond(with list: [File]) { field(4, list.flatMap { message(1, $0.bytes) }) }
        func notFound(_ what: String) {
            var e: [UInt8] = [0x08, 5] // error_code NOT_FOUND
            e += message(2, Array(what.utf8))
            field(7, e)
        }
        if let q = fs.first(where: { $0.0 == 3 }) {
            let name = Self.string(q.1)
            if files[name] != nil { respond(with: withDependencies(name)) } else { notFound("file not found: \(name)") }
        } else if let q = fs.first(where: { $0.0 == 4 }) {
            let symbol = Self.string(q.1)
            if let f = files.values.first(where: { $0.symbols.contains(symbol) }) {
                respond(with: withDependencies(f.name))
            } else {
                notFound("symbol not found: \(symbol)")
            }
        } else if let q = fs.first(where: { $0.0 == 6 }) {
            // No extensions are defined: an empty list for the type.
            field(5, message(1, Array(q.1)))
        } else if fs.contains(where: { $0.0 == 7 }) {
            field(6, services.flatMap { message(1, message(1, Array($0.utf8))) })
        } else {
            notFound("extensions are not supported")
        }
        return out
    }

    func appendVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}

/// A listen address as the Go SDK takes it: `:9443` (all interfaces), `host:port`, `[v6]:port`.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String // "" = all interfaces
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let s): return "invalid address \"\(s)\": want host:port, [v6]:port or :port"
            }
        }
    }

    public static func parse(_ text: String) throws -> ListenAddress {
        var hostPart: Substring
        var portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ParseError.invalid(text) }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { throw ParseError.invalid(text) }
            portPart = after.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ParseError.invalid(text) }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") { throw ParseError.invalid(text) }
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { throw ParseError.invalid(text) }
        if hostPart == "0.0.0.0" || hostPart == "::" { hostPart = "" }
        return ListenAddress(host: String(hostPart), port: port)
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

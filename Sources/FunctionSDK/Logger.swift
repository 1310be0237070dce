import Foundation

/// Structured logs on stderr: one JSON object per line by default (as function-sdk-go's zap
/// production logger), a readable line with `--debug`. Callers never pass secret values.
public final class Logger: Sendable {
    /// How much a line matters; debug lines are written only with `--debug`.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warn", "error"][rawValue] }
    }

    /// Human-readable lines, debug ones included, instead of JSON lines.
    public let debug: Bool
    private let minimum: Level

    /// A logger to stderr.
    public init(debug: Bool) {
        self.debug = debug
        self.minimum = debug ? .debug : .info
    }

    /// Writes one line with `fields` as key-value pairs. Never pass secret values or credentials.
    public func log(_ level: Level, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimum else { return }
        let time = Date().timeIntervalSince1970
        var line: String
        if debug {
            line = "\(level.name.uppercased())\t\(message)"
            for (k, v) in fields { line += "\t\(k)=\(v)" }
        } else {
            line = "{\"level\":\"\(level.name)\",\"ts\":\(String(format: "%.6f", time)),\"msg\":\(Self.quote(message))"
            for (k, v) in fields { line += ",\(Self.quote(k)):\(Self.quote(v))" }
            line += "}"
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quote(_ s: String) -> String { CanonicalJSON.quoted(s) }

}

/// The step's input does not fit the type a function decodes it into: says which field and why,
/// for the Fatal result a function answers with.
public struct InputError: Error, CustomStringConvertible {
    /// The field's path, as in `spec.apps[0].name`; empty for the input as a whole.
    public let field: String
    /// What is wrong with the field ("is required", "must be a string").
    public let problem: String

    init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { p, k in
                if let i = k.intValue { return p + "[\(i)]" }
                return p.isEmpty ? k.stringValue : p + "." + k.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let c):
            field = path(c.codingPath + [key])
            problem = "is required"
        case .typeMismatch(let type, let c):
            field = path(c.codingPath)
            problem = "must be \(Self.describe(type))"
        case .valueNotFound(let type, let c):
            field = path(c.codingPath)
            problem = "must be \(Self.describe(type)), got null"
        case .dataCorrupted(let c):
            field = path(c.codingPath)
            problem = c.debugDescription
        @unknown default:
            field = ""
            problem = "\(error)"
        }
    }

    public var description: String { field.isEmpty ? problem : "\(field) \(problem)" }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: String(describing: type)
        }
    }
}

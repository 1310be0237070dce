import Foundation
import FunctionSDK
import Yams

/// Reads YAML files into JSON values. Scalars keep their YAML 1.1 types (integers, floats,
/// booleans, null), as kubectl and crossplane read them; errors name the file and the line.
enum YAMLDocuments {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws -> [JSON] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Every non-empty document of `text`; `source` names it in errors.
    static func parse(_ text: String, source: String) throws -> [JSON] {
        do {
            // The Parser, not compose_all: its lazy sequence ends quietly at a syntax error.
            let parser = try Parser(yaml: text)
            var docs: [JSON] = []
            while let node = try parser.nextRoot() {
                let v = try json(node, source)
                if !v.isNull { docs.append(v) }
            }
            return docs
        } catch let e as YamlError {
            throw ReadError(description: "\(source): \(describe(e))")
        }
    }

    static func describe(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        default:
            return "\(e)"
        }
    }

    static func json(_ node: Node, _ path: String) throws -> JSON {
        switch node {
        case .scalar(let s):
            // The resolved tag decides: a quoted "3" stays a string.
            switch node.tag.rawValue {
            case "tag:yaml.org,2002:null": return .null
            case "tag:yaml.org,2002:bool": return node.bool.map(JSON.bool) ?? .string(s.string)
            case "tag:yaml.org,2002:int": return node.int.map { .number(Double($0)) } ?? .string(s.string)
            case "tag:yaml.org,2002:float": return node.float.map(JSON.number) ?? .string(s.string)
            default: return .string(s.string)
            }
        case .mapping(let m):
            var o = JSON.Object()
            for (k, v) in m {
                guard let key = k.string else {
                    throw ReadError(description: "\(path): line \((k.mark?.line ?? 0)): mapping keys must be strings")
                }
                o[key] = try json(v, path)
            }
            return .object(o)
        case .sequence(let s):
            return .list(try s.map { try json($0, path) })
        case .alias:
            throw ReadError(description: "\(path): line \(node.mark?.line ?? 0): YAML aliases are not supported")
        }
    }
}

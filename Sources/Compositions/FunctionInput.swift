import FunctionSDK

/// The pipeline step's input (`secrets.fn.crossplane.io/v1beta1` `Input`; its CRD is in package/input/).
public struct FunctionInput: Sendable, Equatable {
    public var provider: String?
    public var externalSecretsAPIVersion = "external-secrets.io/v1beta1"
    public var chartVersion = "0.9.11"
    /// Whether the input set them; unset ones take the defaults of the XR's mode (`forMode`).
    var setAPIVersion = false, setChartVersion = false
    public var waitForCRDs = true
    /// `meta.ttl`; nil means no TTL (`0s`).
    public var ttl: Duration? = .seconds(60)

    public static let apiVersion = "secrets.fn.crossplane.io/v1beta1"
    public static let kind = "Input"
    public static let providers = ["aws", "google", "azure"]
    static let esoAPIVersions = ["external-secrets.io/v1beta1", "external-secrets.io/v1"]

    public init() {}

    /// Stage A1: the first problem (unknown field, wrong type, value outside its set), or the parsed input.
    public static func parse(_ input: JSON.Object?) -> Swift.Result<FunctionInput, InputProblem> {
        var out = FunctionInput()
        guard let o = input, !o.isEmpty else { return .success(out) }
        func value(_ k: String) -> JSON? {
            guard let v = o[k], !v.isNull else { return nil }
            return v
        }
        let apiVersion = value("apiVersion"), kind = value("kind")
        if apiVersion?.string != Self.apiVersion || kind?.string != Self.kind {
            return .failure(
                InputProblem(
                    "apiVersion and kind must be \(Self.apiVersion) \(Self.kind), got \(CanonicalJSON.encode(apiVersion ?? .null)) \(CanonicalJSON.encode(kind ?? .null))"
                ))
        }
        var unknown = o.keys.filter {
            !["apiVersion", "kind", "metadata", "provider", "externalSecrets", "waitForCRDs", "ttl"].contains($0)
        }
        if let es = value("externalSecrets")?.object {
            unknown += es.keys.filter { !["apiVersion", "chartVersion"].contains($0) }.map { "externalSecrets.\($0)" }
        }
        if let first = unknown.min(by: {
            Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value))
        }) {
            return .failure(InputProblem("unknown field \(CanonicalJSON.quoted(first))"))
        }
        if let p = value("provider") {
            guard case .string(let s) = p else { return .failure(.type("provider", "a string", p)) }
            guard providers.contains(s) else {
                return .failure(
                    InputProblem(
                        "provider must be one of \(providers.joined(separator: ", ")), got \(CanonicalJSON.encode(p))"))
            }
            out.provider = s
        }
        if let es = value("externalSecrets") {
            guard case .object(let eso) = es else { return .failure(.type("externalSecrets", "an object", es)) }
            if let v = eso["apiVersion"], !v.isNull {
                guard case .string(let s) = v else {
                    return .failure(.type("externalSecrets.apiVersion", "a string", v))
                }
                if s.isEmpty { return .failure(InputProblem("externalSecrets.apiVersion must not be empty")) }
                guard esoAPIVersions.contains(s) else {
                    return .failure(
                        InputProblem(
                            "externalSecrets.apiVersion must be one of \(esoAPIVersions.joined(separator: ", ")), got \(CanonicalJSON.encode(v))"
                        ))
                }
                out.externalSecretsAPIVersion = s
                out.setAPIVersion = true
            }
            if let v = eso["chartVersion"], !v.isNull {
                guard case .string(let s) = v else {
                    return .failure(.type("externalSecrets.chartVersion", "a string", v))
                }
                if s.isEmpty { return .failure(InputProblem("externalSecrets.chartVersion must not be empty")) }
                out.chartVersion = s
                out.setChartVersion = true
            }
        }
        if let w = value("waitForCRDs") {
            guard case .bool(let b) = w else { return .failure(.type("waitForCRDs", "a boolean", w)) }
            out.waitForCRDs = b
        }
        if let t = value("ttl") {
            guard case .string(let s) = t else { return .failure(.type("ttl", "a string", t)) }
            guard let d = parseDuration(s) else {
                return .failure(
                    InputProblem("ttl must be a duration such as \"60s\" or \"1m30s\", got \(CanonicalJSON.encode(t))"))
            }
            out.ttl = d == .zero ? nil : d
        }
        return .success(out)
    }

    /// This input for an XR of `mode`: v2 defaults to the ESO that upstream's v2 installs (chart
    /// 2.0.0), which serves only `external-secrets.io/v1`; what the input sets wins in both modes.
    func forMode(_ mode: Mode) -> FunctionInput {
        guard mode == .v2 else { return self }
        var out = self
        if !setAPIVersion { out.externalSecretsAPIVersion = "external-secrets.io/v1" }
        if !setChartVersion { out.chartVersion = "2.0.0" }
        return out
    }

    /// One or more `<number><unit>` groups; number = digits with an optional `.digits`; unit h, m, s, ms.
    static func parseDuration(_ text: String) -> Duration? {
        let b = Array(text.utf8)
        var i = 0
        var total: Duration = .zero
        guard !b.isEmpty else { return nil }
        while i < b.count {
            var whole: Int64 = 0
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                guard whole < 1_000_000_000_000 else { return nil }
                whole = whole * 10 + Int64(b[i] - 0x30)
                i += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
            var fraction = 0.0
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 0.1
                var fractionDigits = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    fraction += Double(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                    fractionDigits += 1
                }
                guard fractionDigits > 0 else { return nil }
            }
            let unitNanos: Double
            if i + 1 < b.count, b[i] == UInt8(ascii: "m"), b[i + 1] == UInt8(ascii: "s") {
                unitNanos = 1e6; i += 2
            } else if i < b.count, b[i] == UInt8(ascii: "h") {
                unitNanos = 3.6e12; i += 1
            } else if i < b.count, b[i] == UInt8(ascii: "m") {
                unitNanos = 6e10; i += 1
            } else if i < b.count, b[i] == UInt8(ascii: "s") {
                unitNanos = 1e9; i += 1
            } else {
                return nil
            }
            let nanos = (Double(whole) + fraction) * unitNanos
            guard nanos < 1e18 else { return nil }
            total += .nanoseconds(Int64(nanos.rounded()))
        }
        return total
    }
}

/// A stage A1 problem; the message is prefixed with `function input: `.
public struct InputProblem: Error, Equatable, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
    static func type(_ path: String, _ type: String, _ v: JSON) -> InputProblem {
        InputProblem("\(path) must be \(type), got \(CanonicalJSON.encode(v))")
    }
}

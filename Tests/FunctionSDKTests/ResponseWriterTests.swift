import SwiftProtobuf
import Testing
@testable import FunctionSDK

/// Results encoded by hand are the bytes swift-protobuf writes, for every combination of fields.
@Suite("ResponseWriter")
struct ResponseWriterTests {
    @Test(
        "result(_:) writes what swift-protobuf writes: severities, empty and non-ASCII messages, reason and target present or not"
    )
    func resultBytes() throws {
        var cases: [FnV1.Result] = []
        for severity in [FnV1.Severity.unspecified, .fatal, .warning, .normal] {
            for message in [
                "",
                "CompositeCluster \"x\": spec.parameters.nodeSize must be one of small, medium, large, got \"huge\"",
                "ключ ✓ " + String(repeating: "m", count: 200),
            ] {
                for reason in [nil, "", "InvalidParameters"] {
                    for target in [nil, FnV1.Target.unspecified, .composite, .compositeAndClaim] {
                        var r = FnV1.Result()
                        r.severity = severity
                        r.message = message
                        if let reason { r.reason = reason }
                        if let target { r.target = target }
                        cases.append(r)
                    }
                }
            }
        }
        for r in cases {
            var ours = ResponseWriter(), theirs = ResponseWriter()
            ours.result(r)
            try theirs.message(ResponseWriter.Field.results, r)
            #expect(ours.bytes == theirs.bytes, "\(r)")
        }
        #expect(cases.count == 144)
    }
}

import Foundation
import HTTP2TestSupport
import Testing

/// Inputs the frame fuzzer (Tests/Fuzz/run.sh http2) found, replayed through the same driver.
@Suite("frame fuzzer regressions")
struct FuzzRegressionTests {
    static let inputs: [(String, String)] = [
        (
            "resets from a SETTINGS timeout in a tick (a driver fault: now drained after tick too)",
            "BAAAAwEBAAAAAYKGhAAAFgkEAAAAAQAKOmF1dGhvcml0eQlsb2NhlJeQjHQAAAYEAAAAAAAABAAADAYAAMGHAAMBAQAAAAGChoQAABYJBAAACAAAgAEE/zwAA4uGAAU6cGF0aAg8L2FwaWV4AAAAAABlAHAAAAAAAAAAAAAAAAVoZWxsbwAAAAAAAAAAAAAAAAAAAABlAIMDAAAAAAAAAAAAAAAAAAAAP///9wAAAAAAAAAAKgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAAAAAAAwAAAAAAAAAAAAAAAJ09wdGlvAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADqAAAAAAAIAAAAAQQAAAADgwgAAAAAAAAAAAAAAAAAAAA6AAEACgAA/QADAQEAAAABgoaEAAA6YXUAOgAAAAH///90aG9yaXR5CWxvYwMAPH9zdAAABgQAAAAAAAAEAAAACAAASAENAAAAAzqEdAUAu7u7u7u7u7u7u7u7CAAAgAEEAAAAA4G2hgAAcHRpbwADAADe3t7e3t7//97e3t7e3t7e3t7eAYze3t7e3t7e3t7e3gAABf////8G/////////wMAAAC7uyEAKru7RgAAACoAAI4AAAD//wAAAAB0aW8AAAAAAAAAFgADCbuAAAAAAAAACEb/AA=="
        )
    ]

    @Test("replayed without a violation", arguments: 0..<inputs.count)
    func replay(index: Int) throws {
        let input = [UInt8](Data(base64Encoded: Self.inputs[index].1)!)
        try ConnectionDriver.run(input)
    }
}

import Foundation
import Testing

@Suite("generated protobuf code")
struct GeneratedCodeTests {
    /// Sources/FunctionSDK/Proto/generate.sh writes a stamp with the SHA-256 of every .proto and
    /// every generated file. A .proto edited without regenerating, or a hand-edited generated file,
    /// no longer matches it. (.ci/run also regenerates from scratch and diffs.)
    @Test("Generated/ is current with Proto/")
    func stampMatches() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sdk = root.appendingPathComponent("Sources/FunctionSDK")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [sdk.appendingPathComponent("Proto/stamp.sh").path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let actual = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let expected = try String(contentsOf: sdk.appendingPathComponent("Generated/proto.stamp"), encoding: .utf8)
        #expect(p.terminationStatus == 0)
        #expect(actual == expected, "run Sources/FunctionSDK/Proto/generate.sh and commit the result")
    }
}

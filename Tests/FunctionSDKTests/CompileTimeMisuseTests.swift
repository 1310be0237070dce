import Foundation
import Testing

/// Mistakes the compiler refuses, and code that must compile, checked against the SDK as built,
/// the way another package sees it (public API only, Swift 6 language mode).
@Suite("compiling against the SDK as another package: what compiles and what the compiler refuses")
struct CompileTimeMisuseTests {
    /// The build directory holding `Modules/FunctionSDK.swiftmodule` (the test binary's own).
    static let buildDirectory: URL? = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for d in [dir, dir.deletingLastPathComponent()]
        where FileManager.default.fileExists(atPath: d.appendingPathComponent("Modules/FunctionSDK.swiftmodule").path) {
            return d
        }
        return nil
    }()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Compiles `source` as a client of FunctionSDK as far as SIL (where data-race checks run); returns the compiler's status and output.
    static func typecheck(_ source: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("misuse-\(UUID().uuidString).swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try typecheck(files: [file.path])
    }

    /// Compiles `files` as one module that imports FunctionSDK from another package.
    static func typecheck(files: [String], module: String = "Client") throws -> (status: Int32, output: String) {
        let build = try #require(buildDirectory, "no Modules/FunctionSDK.swiftmodule beside the test binary")
        let sources = root.appendingPathComponent("Sources")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "swiftc", "-emit-sil", "-wmo", "-o", "/dev/null", "-swift-version", "6", "-module-name", module,
            "-I", build.appendingPathComponent("Modules").path,
            "-Xcc", "-fmodule-map-file=\(build.appendingPathComponent("CLinuxShims.build/module.modulemap").path)",
            "-Xcc", "-I", "-Xcc", sources.appendingPathComponent("CLinuxShims/include").path,
            "-Xcc", "-fmodule-map-file=\(sources.appendingPathComponent("CThreadSlot/include/module.modulemap").path)",
            "-Xcc", "-fmodule-map-file=\(sources.appendingPathComponent("COpenSSL/module.modulemap").path)",
            "-Xcc", "-fmodule-map-file=\(sources.appendingPathComponent("CZlib/module.modulemap").path)",
        ] + files
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "a function written against the public API compiles, and the standard library's Result and others are not hidden"
    )
    func publicSurfaceCompiles() throws {
        let r = try Self.typecheck(
            """
            import FunctionSDK
            let outcome: Result<Int, any Error> = .success(1)
            struct Hello: CompositionFunction {
                func run(_ request: FunctionRequest) throws -> FunctionResponse {
                    var response = FunctionResponse.to(request)
                    let name = try request.observedComposite()?[path: "metadata", "name"]
                    response.compose("hello", ["apiVersion": "v1", "kind": "ConfigMap", "data": ["to": "\\(name)"]])
                    response.normal("said hello")
                    return response
                }
            }
            """)
        #expect(r.status == 0, Comment(rawValue: r.output))
    }

    @Test("function-secrets' own function compiles against the SDK's public API alone")
    func compositionsUsePublicAPI() throws {
        let dir = Self.root.appendingPathComponent("Sources/Compositions")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        let r = try Self.typecheck(files: files.map { dir.appendingPathComponent($0).path }, module: "Compositions")
        #expect(r.status == 0, Comment(rawValue: r.output))
    }

    @Test("the README's example function compiles as written")
    func readmeExample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "**2. Write the function.**"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```swift\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        let r = try Self.typecheck(String(rest[open.upperBound..<close.lowerBound]))
        #expect(r.status == 0, Comment(rawValue: r.output))
    }

    @Test(
        "refused at compile time",
        arguments: [
            (
                "a pointer into the render arena",
                "func f(_ r: Rendered) -> UnsafeBufferPointer<UInt8> { r.utf8 }",
                "'utf8' is inaccessible due to 'package' protection level"
            ),
            (
                "a rendered value in a static let",
                #"enum T { static let kept: Rendered = ["a": "b"] }"#,
                "non-'Sendable' type 'Rendered'"
            ),
            (
                "a rendered value shared with another task",
                #"func f() { let r: Rendered = ["a": "b"]; Task.detached { _ = r.json }; _ = r.json }"#,
                "risks causing data races"
            ),
            (
                "a resource key that is not a string",
                #"func f(_ r: inout FunctionResponse) { r.compose(3, ["kind": "ConfigMap"]) }"#,
                "cannot convert value of type 'Int' to expected argument type 'ResourceKey'"
            ),
            (
                "a render scope of the author's own",
                "func f() { RenderArena.scope { } }",
                "cannot find 'RenderArena' in scope"
            ),
        ])
    func refused(_ mistake: String, _ source: String, _ error: String) throws {
        let r = try Self.typecheck("import FunctionSDK\n" + source)
        #expect(r.status != 0, "\(mistake) compiled")
        #expect(r.output.contains(error), Comment(rawValue: "\(mistake): \(r.output)"))
    }
}

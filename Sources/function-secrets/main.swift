import Foundation
import Compositions
import FunctionSDK

// A bare flag list means `serve`: Crossplane starts the image with no arguments, and render's
// Docker runtime appends only `--insecure`.
var args = Array(CommandLine.arguments.dropFirst())
if args.first == "render" {
    let rest = Array(args.dropFirst())
    if rest.contains("-h") || rest.contains("--help") {
        print(RenderCommand.usage)
        exit(0)
    }
    exit(RenderCommand.run(rest))
}
if args.first == "serve" { args.removeFirst() }
if args.contains("-h") || args.contains("--help") {
    print(ServeOptions.usage)
    exit(0)
}
do {
    let options = try ServeOptions.parse(args, environment: ProcessInfo.processInfo.environment)
    exit(ServeCommand.run(options, function: SecretsFunction()))
} catch {
    FileHandle.standardError.write(Data("function-secrets: \(error)\n\n\(ServeOptions.usage)\n".utf8))
    exit(2)
}

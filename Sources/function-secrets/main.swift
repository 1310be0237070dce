import Compositions
import Foundation
import FunctionSDK

// A bare flag list means `serve`: Crossplane starts the image with no arguments, and render's
// Docker runtime appends only `--insecure`.
let args = Array(CommandLine.arguments.dropFirst())
if args.first == "render" {
    let rest = Array(args.dropFirst())
    if rest.contains("-h") || rest.contains("--help") {
        print(RenderCommand.usage)
        exit(0)
    }
    exit(RenderCommand.run(rest))
}
serve(SecretsFunction(), program: "function-secrets", more: ["render CLAIM.yaml [flags]"])

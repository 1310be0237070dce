import Compositions
import FunctionSDK
import SwiftProtobuf

// libFuzzer target: RunFunction request decoding and the whole handler (our wire scanner, the claim
// reader and validation, the templates, the encoder). Properties: no crash; a request we accept gets
// an answer swift-protobuf parses; one we refuse gets a gRPC status, never a trap.
let function = SecretsFunction()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let answer = try? FunctionRunnerService.call(function, requestBytes: bytes) else { return 0 }
    do {
        _ = try FnV1.RunFunctionResponse(serializedBytes: answer)
    } catch {
        preconditionFailure("the answer does not parse: \(error)")
    }
    return 0
}

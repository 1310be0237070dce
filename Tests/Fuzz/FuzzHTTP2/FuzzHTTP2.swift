import HTTP2TestSupport

// libFuzzer target: the frame parser and connection state machine, driven by ConnectionDriver
// (Tests/HTTP2TestSupport), which the regression tests of what this found run too. Properties: no
// crash; everything we write parses as whole frames; no event comes out after a connection error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        try ConnectionDriver.run(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch {
        preconditionFailure(error.description)
    }
    return 0
}

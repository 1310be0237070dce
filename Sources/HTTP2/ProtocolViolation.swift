/// What a frame handler found wrong, thrown and answered in one place (`ServerConnection.answer`).
/// A connection error sends GOAWAY and stops all further processing, so nothing can follow a GOAWAY;
/// a stream error resets that stream, and the connection goes on with the next frame.
enum ProtocolViolation: Error {
    case connection(ErrorCode, String, CloseReason = .error)
    case stream(UInt32, ErrorCode)
}

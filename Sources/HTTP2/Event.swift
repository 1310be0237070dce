import HPACK

/// What a connection tells the application after consuming bytes.
public enum Event: Sendable {
    /// A new request stream with its validated header block.
    case request(stream: UInt32, head: RequestHead, endStream: Bool)
    /// Request body bytes (padding removed). `endStream` marks the client's last frame.
    case data(stream: UInt32, bytes: [UInt8], endStream: Bool)
    /// The client ended the stream with a trailer block.
    case trailers(stream: UInt32)
    /// The stream is gone: reset by the client, or by us for a stream error. Drop its state.
    case reset(stream: UInt32, code: ErrorCode)
}

import Glibc

public struct TransportError: Error, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, _ errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(errno)))"
    }
}

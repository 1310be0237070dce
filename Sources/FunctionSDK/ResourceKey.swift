import Glibc

/// The key of a composed resource in `desired.resources`: a string by type, so that a key of
/// another kind does not compile. Written like a string (`"bucket"`, `"\(name)-bucket"`) or made
/// from one (`ResourceKey(name)`), and kept, like every `Rendered` value, in the call's render
/// memory: a template makes dozens of keys on every call, and a `String` for each (an allocation,
/// a hash, a copy) measured a fifth of a render.
public struct ResourceKey: Hashable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByStringInterpolation
{
    /// The key as a rendered string.
    public let rendered: Rendered

    /// A key from any string.
    public init(_ s: String) { rendered = .string(s) }
    /// A key from a literal.
    public init(stringLiteral s: StaticString) { rendered = Rendered(stringLiteral: s) }
    /// A key from a literal.
    public init(unicodeScalarLiteral s: StaticString) { rendered = Rendered(stringLiteral: s) }
    /// A key from a literal.
    public init(extendedGraphemeClusterLiteral s: StaticString) { rendered = Rendered(stringLiteral: s) }
    /// A key from an interpolation, written into the render as `Rendered` strings are.
    public init(stringInterpolation i: Rendered.Interpolation) { rendered = Rendered(stringInterpolation: i) }

    /// The key as a String.
    public var string: String { rendered.string ?? "" }
    /// The key.
    public var description: String { string }

    /// Hashes the key's bytes in place.
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes: UnsafeRawBufferPointer(rendered.utf8)) }

    /// Whether both keys have the same text, compared in place.
    @inlinable
    public static func == (a: ResourceKey, b: ResourceKey) -> Bool {
        let x = a.rendered.utf8, y = b.rendered.utf8
        guard x.count == y.count else { return false }
        guard let p = x.baseAddress, let q = y.baseAddress else { return true }
        return memcmp(p, q, x.count) == 0
    }
}

/// Lets a template list its resources with `if` and `for`, in the order they are composed:
///
///     @ResourcesBuilder var resources: [Composed] {
///         ManagedResource(key: "bucket", ...)
///         if wantsQueue { KubernetesObject(key: "queue", ...) }
///         for n in names { Usage(key: "\(n)-usage", ...) }
///     }
@resultBuilder
public enum ResourcesBuilder {
    // Blocks are folded statement by statement into one array (no array per resource, no flattening
    // of a list of arrays): a render builds a few dozen resources on every call. Inlinable, so that
    // a template's resource kinds are specialized in its own module rather than copied generically.
    @inlinable public static func buildExpression(_ r: some ComposedConvertible) -> Composed { r.composed }
    @inlinable public static func buildExpression(_ rs: [Composed]) -> [Composed] { rs }
    @inlinable public static func buildPartialBlock(first: consuming Composed) -> [Composed] { [first] }
    @inlinable public static func buildPartialBlock(first: consuming [Composed]) -> [Composed] { first }
    // `consuming`: the builder's running array is appended to in place, not copied at each statement.
    @inlinable public static func buildPartialBlock(accumulated: consuming [Composed], next: consuming Composed) -> [Composed] {
        accumulated.append(next)
        return accumulated
    }
    @inlinable public static func buildPartialBlock(accumulated: consuming [Composed], next: consuming [Composed]) -> [Composed] {
        if accumulated.isEmpty { return next }
        accumulated.append(contentsOf: next)
        return accumulated
    }
    @inlinable public static func buildBlock() -> [Composed] { [] }
    @inlinable public static func buildOptional(_ part: consuming [Composed]?) -> [Composed] { part ?? [] }
    @inlinable public static func buildEither(first: consuming [Composed]) -> [Composed] { first }
    @inlinable public static func buildEither(second: consuming [Composed]) -> [Composed] { second }
    @inlinable public static func buildArray(_ parts: consuming [[Composed]]) -> [Composed] {
        if parts.count == 1 { return parts[0] }
        var all: [Composed] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { all.append(contentsOf: p) }
        return all
    }
}

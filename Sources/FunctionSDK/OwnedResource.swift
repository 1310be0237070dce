/// A composed resource the function renders: its key in `desired.resources` (a string) and the
/// partial object, both rendered during the call, and its readiness.
@usableFromInline
package struct OwnedResource {
    package var key: Rendered
    package var object: Rendered
    package var ready: FnV1.Ready

    /// Nil, with the misuse noted for the call's Fatal result, unless `object` is an object.
    @usableFromInline
    package init?(checking key: ResourceKey, _ object: Rendered, ready: FnV1.Ready) {
        guard object.isEncodedObject else {
            RenderArena.current.pointee.report(
                "the composed resource \(CanonicalJSON.quoted(key.string)) is not an object: a resource is rendered as an object literal"
            )
            return nil
        }
        self.key = key.rendered
        self.object = object
        self.ready = ready
    }
}

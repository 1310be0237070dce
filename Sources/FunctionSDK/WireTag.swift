/// The field tags (field number << 3 | wire type) of the messages this module writes and reads by
/// hand, named once. `google.protobuf.Struct` is written straight from templates and request bytes,
/// so every writer and reader of its layout uses these.
enum WireTag {
    // google.protobuf.Struct: `map<string, Value> fields = 1`; each entry a message of key and value.
    static let structEntry: UInt8 = 0x0a
    static let entryKey: UInt8 = 0x0a
    static let entryValue: UInt8 = 0x12
    // google.protobuf.Value: one of these.
    static let nullValue: UInt8 = 0x08 // 1, varint
    static let numberValue: UInt8 = 0x11 // 2, fixed64
    static let stringValue: UInt8 = 0x1a // 3, bytes
    static let boolValue: UInt8 = 0x20 // 4, varint
    static let structValue: UInt8 = 0x2a // 5, message
    static let listValue: UInt8 = 0x32 // 6, message
    // google.protobuf.ListValue: `repeated Value values = 1`.
    static let listItem: UInt8 = 0x0a
    // State: `Resource composite = 1`, `map<string, Resource> resources = 2`.
    static let stateComposite: UInt8 = 0x0a
    static let stateResources: UInt8 = 0x12
    // Resource: `Struct resource = 1`, `Ready ready = 3`.
    static let resourceObject: UInt8 = 0x0a
    static let resourceReady: UInt8 = 0x18
}

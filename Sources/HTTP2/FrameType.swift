/// RFC 9113 section 6 frame types. Unknown types are carried through and ignored (sections 4.1, 5.5).
public struct FrameType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let data = FrameType(rawValue: 0x0)
    public static let headers = FrameType(rawValue: 0x1)
    public static let priority = FrameType(rawValue: 0x2)
    public static let rstStream = FrameType(rawValue: 0x3)
    public static let settings = FrameType(rawValue: 0x4)
    public static let pushPromise = FrameType(rawValue: 0x5)
    public static let ping = FrameType(rawValue: 0x6)
    public static let goAway = FrameType(rawValue: 0x7)
    public static let windowUpdate = FrameType(rawValue: 0x8)
    public static let continuation = FrameType(rawValue: 0x9)
}

/// Flag bits; which ones mean something depends on the frame type.
public enum FrameFlags {
    public static let endStream: UInt8 = 0x1
    public static let ack: UInt8 = 0x1
    public static let endHeaders: UInt8 = 0x4
    public static let padded: UInt8 = 0x8
    public static let priority: UInt8 = 0x20
}

/// SETTINGS identifiers (RFC 9113 section 6.5.2, RFC 9218 section 2.1).
public enum SettingID {
    public static let headerTableSize: UInt16 = 0x1
    public static let enablePush: UInt16 = 0x2
    public static let maxConcurrentStreams: UInt16 = 0x3
    public static let initialWindowSize: UInt16 = 0x4
    public static let maxFrameSize: UInt16 = 0x5
    public static let maxHeaderListSize: UInt16 = 0x6
    public static let noRFC7540Priorities: UInt16 = 0x9
}

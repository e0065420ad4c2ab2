/// Bounds on what a mapping file and one run may hold, so a bad file or a flood of values costs bounded memory and
/// time. The defaults are far above what the Barometer files need (about 300 lines, 5 templates, a few hundred
/// values per host) and far below what would hurt a daemon.
public struct MappingLimits: Sendable, Hashable {
    /// Largest file read, in bytes.
    public var maxFileBytes: Int
    /// Deepest nesting of YAML collections.
    public var maxDepth: Int
    /// Most YAML nodes after aliases are expanded (an alias repeats its subtree).
    public var maxNodes: Int
    /// Most `!Measurements` plus `!Events` templates in one file.
    public var maxTemplates: Int
    /// Most values one `measurements` call reads; the rest are left out and a note says so.
    public var maxValues: Int
    /// Most events one call builds.
    public var maxEvents: Int
    /// Most array items (`!ArrayItem` results) in one event; further items are left out and a note says so.
    public var maxItemsPerEvent: Int

    public init(
        maxFileBytes: Int = 1 << 20,
        maxDepth: Int = 64,
        maxNodes: Int = 200_000,
        maxTemplates: Int = 64,
        maxValues: Int = 1_000_000,
        maxEvents: Int = 10_000,
        maxItemsPerEvent: Int = 10_000
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxTemplates = maxTemplates
        self.maxValues = maxValues
        self.maxEvents = maxEvents
        self.maxItemsPerEvent = maxItemsPerEvent
    }

    /// The defaults.
    public static let standard = MappingLimits()
}

import LighttpdConfig

/// The runtime form of a configuration: the loaded blocks plus, per block, its compiled condition and
/// options. Built once by `SiteCompiler` (at start and on reload) and shared read-only by every event loop.
///
/// A class: every request's routing, rewrite contexts and proxy options read it, and passing a struct of this
/// many arrays and dictionaries around copied (retained and released) each of them every time.
public final class Site: Sendable {
    public let config: LoadedConfig
    /// Per block (index-aligned with `config.blocks`); nil for the global block and bare `else` branches.
    public let conditions: [CompiledCondition?]
    public let options: [BlockOptions]
    /// Per block: the nearest block at or above it whose condition is a regex match (`=~`); its captures
    /// are what `%0`-`%9` refer to in that block's values.
    public let captureBlocks: [Int?]
    /// Per block: some value in its scope uses `%n`, so a match of its `=~` condition keeps its captures.
    public let capturesNeeded: [Bool]
    /// Every user file the config names, loaded at load time, by path.
    public let userFiles: [String: UserFile]
    /// The condition tree as the evaluator walks it.
    let tree: BlockTree
    /// Some block keeps its captures (`capturesNeeded` has a true).
    let keepsCaptures: Bool
    /// The options of every set of blocks a request can match, resolved once.
    private let optionsTable: ResolvedOptionsTable

    public init(
        config: LoadedConfig, conditions: [CompiledCondition?], options: [BlockOptions], captureBlocks: [Int?],
        capturesNeeded: [Bool], userFiles: [String: UserFile]
    ) {
        self.config = config
        self.conditions = conditions
        self.options = options
        self.captureBlocks = captureBlocks
        self.capturesNeeded = capturesNeeded
        self.userFiles = userFiles
        self.tree = BlockTree(config: config, conditions: conditions)
        self.keepsCaptures = capturesNeeded.contains(true)
        self.optionsTable = ResolvedOptionsTable(tree: tree, options: options)
    }

    /// The options in effect for a request matching `active`: resolved when the site was loaded, or now for a site
    /// with too many blocks or conditions to list every outcome.
    public func resolvedOptions(for active: ActiveBlocks) -> ResolvedOptions {
        optionsTable.lookup(active.blocks) ?? ResolvedOptions(site: self, active: active)
    }

    /// The options resolved when the site was loaded, nil when `active` is not listed.
    func listedOptions(for active: ActiveBlocks) -> ResolvedOptions? {
        optionsTable.lookup(active.blocks)
    }

    public var server: ServerSettings { config.server }
}

public import Testing

extension Trait where Self == ConditionTrait {
    /// For suites and tests that read third-party material in `../shared` (never copied into the project): on a
    /// bare clone they are skipped with a message naming what is missing, instead of failing.
    public static func needsShared(_ relatives: String...) -> Self {
        .enabled(
            "needs \(relatives.joined(separator: ", ")) in \(SharedMaterial.sharedDirectory) (set VES_SHARED_DIR)"
        ) { SharedMaterial.has(relatives) }
    }
}

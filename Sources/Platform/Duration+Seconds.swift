extension Duration {
    /// The duration as seconds, for rates, summaries and comparisons with seconds from a configuration.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

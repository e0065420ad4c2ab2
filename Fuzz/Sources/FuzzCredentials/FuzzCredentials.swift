/// Credentials the network target seals its inputs with and the decoder knows, so signed and encrypted datagrams
/// reach the parser inside them; fuzz-seeds seals its seeds with the same ones.
public enum FuzzCredentials {
    public static let user = "fuzz"
    public static let password = "fuzz-password"
}

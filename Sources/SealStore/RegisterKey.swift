import Crypto
import Foundation
import SealBook
import SealCore
import SealWire

/// The register's Ed25519 checkpoint-signing key, kept in the state directory (`register.key`, mode 0600) in the
/// note package's private-key text form. Created at first start; never logged.
public enum RegisterKey {
    public static let fileName = "register.key"

    /// Loads the key, creating it on first start with the name `origin()` gives (the register's origin).
    public static func loadOrCreate(stateDirectory: URL, origin: () throws -> String) throws -> NoteSigner {
        try KeyFile.loadOrCreate(
            at: stateDirectory.appendingPathComponent(fileName), what: "a register key", parse: NoteSigner.init(encoded:),
            create: {
                let signer = NoteSigner(name: try origin(), privateKey: Curve25519.Signing.PrivateKey())
                return (signer, signer.encoded)
            }
        )
    }
}

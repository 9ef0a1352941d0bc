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
        let url = stateDirectory.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: url.path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw SealError(
                    .storageMisconfigured,
                    "\(url.path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it"
                )
            }
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let signer = NoteSigner(encoded: text) else {
                throw SealError(.storageMisconfigured, "\(url.path) does not hold a register key")
            }
            return signer
        }
        let signer = NoteSigner(name: try origin(), privateKey: Curve25519.Signing.PrivateKey())
        let temporary = stateDirectory.appendingPathComponent(fileName + ".new")
        guard FileManager.default.createFile(
            atPath: temporary.path, contents: Data((signer.encoded + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw SealError(.storageUnavailable, "cannot write \(temporary.path)")
        }
        // Rename is atomic: a crash leaves either no key or the whole key, never half of one.
        guard rename(temporary.path, url.path) == 0 else {
            throw SealError(.storageUnavailable, "cannot create \(url.path)")
        }
        return signer
    }
}

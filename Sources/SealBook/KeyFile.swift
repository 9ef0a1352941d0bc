import Foundation
import SealCore

/// A private key kept as one line of text in a file of mode 0600: read if it exists, created once otherwise.
/// Never logged. Used for the register key (`register.key`) and the county's cosigner key (`county.key`).
public enum KeyFile {
    /// Loads the key at `url`, refusing a file others can read; creates it with `create` when missing.
    public static func loadOrCreate<Key>(
        at url: URL, what: String, parse: (String) -> Key?, create: () throws -> (key: Key, text: String)
    ) throws -> Key {
        if FileManager.default.fileExists(atPath: url.path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw SealError(
                    .storageMisconfigured,
                    "\(url.path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it"
                )
            }
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let key = parse(text) else { throw SealError(.storageMisconfigured, "\(url.path) does not hold \(what)") }
            return key
        }
        let (key, text) = try create()
        let temporary = url.appendingPathExtension("new")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw SealError(.storageUnavailable, "cannot write \(temporary.path)")
        }
        // Rename is atomic: a crash leaves either no key or the whole key, never half of one.
        guard rename(temporary.path, url.path) == 0 else {
            throw SealError(.storageUnavailable, "cannot create \(url.path)")
        }
        return key
    }
}

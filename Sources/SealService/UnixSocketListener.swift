#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import SealCore
import SealWire

/// The daemon's listening socket: adopted from systemd socket activation, or bound here with its mode and group
/// applied before `listen`, so no client can ever reach it with looser permissions.
public struct UnixSocketListener: Sendable {
    public let descriptor: CInt
    public let path: String
    /// True when systemd passed the socket; then the daemon never deletes the socket file.
    public let isActivated: Bool

    /// The socket systemd passed (LISTEN_FDS=1, LISTEN_PID = our pid, fd 3), if any. The variables are removed so
    /// children do not inherit them.
    public static func fromSystemd(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> UnixSocketListener?
    {
        guard let pidText = environment["LISTEN_PID"], let fdsText = environment["LISTEN_FDS"] else { return nil }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        guard let pid = Int32(pidText), pid == getpid() else { return nil }
        guard let count = Int(fdsText), count >= 1 else { return nil }
        guard count == 1 else {
            throw SealError(.socketUnusable, "systemd passed \(count) sockets; expected exactly one")
        }
        let fd: CInt = 3
        var type: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0, type == CInt(SOCK_STREAM.rawValue) else {
            throw SealError(.socketUnusable, "the socket systemd passed (fd 3) is not a stream socket")
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var address = sockaddr_un()
        var addressLength = socklen_t(MemoryLayout<sockaddr_un>.size)
        let path = withUnsafeMutablePointer(to: &address) { pointer -> String in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &addressLength) }
            return withUnsafeBytes(of: &pointer.pointee.sun_path) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        return UnixSocketListener(descriptor: fd, path: path, isActivated: true)
    }

    /// Binds a new listening socket at `path`. A stale socket file is removed; a live one (another daemon answers)
    /// or a file that is not a socket is refused.
    public static func bind(path: String, mode: UInt16, group: String?) throws -> UnixSocketListener {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw SealError(.socketUnusable, "socket path is too long: \(path)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try removeStaleSocket(at: path)

        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw posixError("socket", path) }
        var address = makeAddress(path)
        // Bind under a umask that leaves the socket unreachable until its final mode is set.
        let oldMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(oldMask)
        guard bound == 0 else {
            let error = posixError("bind", path)
            close(fd)
            throw error
        }
        do {
            if let group {
                guard let gid = UnixAccounts.groupID(name: group) else {
                    throw SealError(.socketUnusable, "socket group \"\(group)\" does not exist")
                }
                guard chown(path, uid_t(bitPattern: -1), gid) == 0 else { throw posixError("chown", path) }
            }
            guard chmod(path, mode_t(mode)) == 0 else { throw posixError("chmod", path) }
            guard listen(fd, 128) == 0 else { throw posixError("listen", path) }
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        return UnixSocketListener(descriptor: fd, path: path, isActivated: false)
    }

    /// Removes the socket file if we created it.
    public func removeFileIfOwned() {
        if !isActivated { unlink(path) }
    }

    static func removeStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw SealError(.socketUnusable, "\(path) exists and is not a socket; refusing to replace it")
        }
        let probe = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw posixError("socket", path) }
        defer { close(probe) }
        var address = makeAddress(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected == 0 {
            throw SealError(
                .socketInUse, "another daemon is already serving on \(path); stop it first"
            )
        }
        // ECONNREFUSED: nobody listens, the file is left over from a daemon that died.
        guard unlink(path) == 0 || errno == ENOENT else { throw posixError("unlink stale socket", path) }
    }

    static func makeAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func posixError(_ operation: String, _ path: String) -> SealError {
        SealError(.socketUnusable, "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}


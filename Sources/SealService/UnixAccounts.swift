#if canImport(Glibc)
import Glibc
#endif
import SealCore
import SealWire

/// Looks users and groups up in the system account databases (NSS), the way `id(1)` does.
public enum UnixAccounts {
    /// The principal for a peer: its user name and its primary and supplementary groups, resolved now so that a
    /// change of group membership takes effect on the next request.
    public static func principal(uid: UInt32, gid: UInt32, pid: Int32) -> UnixPrincipal {
        let name = userName(uid: uid)
        var gids: [gid_t] = [gid]
        if let name {
            var count: Int32 = 64
            var buffer = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(name, gid, &buffer, &count) == -1 {
                buffer = [gid_t](repeating: 0, count: Int(count))
                _ = getgrouplist(name, gid, &buffer, &count)
            }
            gids = Array(buffer.prefix(Int(max(count, 0))))
            if !gids.contains(gid) { gids.insert(gid, at: 0) }
        }
        var seen = Set<UInt32>()
        let groups = gids.filter { seen.insert($0).inserted }.map { UnixGroup(gid: $0, name: groupName(gid: $0)) }
        return UnixPrincipal(uid: uid, gid: gid, pid: pid, userName: name, groups: groups)
    }

    public static func userName(uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let cName = pwd.pw_name
        else { return nil }
        return String(cString: cName)
    }

    public static func groupName(gid: UInt32) -> String? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrgid_r(gid, &grp, &buffer, buffer.count, &result) == 0, result != nil, let cName = grp.gr_name
        else { return nil }
        return String(cString: cName)
    }

    public static func groupID(name: String) -> UInt32? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return grp.gr_gid
    }
}

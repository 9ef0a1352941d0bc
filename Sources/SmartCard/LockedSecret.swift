import Glibc

/// Secret bytes (a PIN) in their own page: locked in RAM (`mlock`, never swapped), left out of core dumps
/// (`MADV_DONTDUMP`), and overwritten when wiped or released — the way ssh-agent and gpg-agent keep secrets.
public final class LockedSecret: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    public private(set) var count: Int

    public enum Failure: Error, Sendable { case tooLong, cannotLock(Int32) }

    public init(copying bytes: UnsafeRawBufferPointer) throws(Failure) {
        capacity = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard bytes.count <= capacity else { throw .tooLong }
        guard let page = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), page != MAP_FAILED else {
            throw .cannotLock(errno)
        }
        guard mlock(page, capacity) == 0 else {
            let error = errno
            munmap(page, capacity)
            throw .cannotLock(error)
        }
        madvise(page, capacity, MADV_DONTDUMP)
        base = page
        count = bytes.count
        if let source = bytes.baseAddress { base.copyMemory(from: source, byteCount: bytes.count) }
    }

    public func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Overwrites the secret; the object then holds nothing.
    public func wipe() {
        explicit_bzero(base, capacity)
        count = 0
    }

    deinit {
        wipe()
        munlock(base, capacity)
        munmap(base, capacity)
    }
}

import CPCSCLite
import Glibc

/// A PC/SC context: the client library's session with pcscd (`SCardEstablishContext`).
///
/// Calls block, so a context belongs to one thread at a time; only `cancel()` may be called from another thread
/// (it ends a blocking `statusChange`). The daemon uses one context for the monitor and short-lived ones for card
/// operations.
public final class PCSCContext: @unchecked Sendable {
    let handle: SCARDCONTEXT
    private var released = false

    /// The pseudo-reader whose state changes when readers are added or removed.
    public static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    public init() throws(SmartCardError) {
        var context: SCARDCONTEXT = 0
        let rc = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardEstablishContext", code: PCSCCode(rc)) }
        handle = context
    }

    deinit { release() }

    public func release() {
        guard !released else { return }
        released = true
        SCardReleaseContext(handle)
    }

    /// Reader names; empty when pcscd knows no reader.
    public func readers() throws(SmartCardError) -> [String] {
        var length: DWORD = 0
        var rc = SCardListReaders(handle, nil, nil, &length)
        if PCSCCode(rc) == .noReadersAvailable { return [] }
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardListReaders", code: PCSCCode(rc)) }
        var buffer = [CChar](repeating: 0, count: Int(length))
        rc = SCardListReaders(handle, nil, &buffer, &length)
        if PCSCCode(rc) == .noReadersAvailable { return [] }
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardListReaders", code: PCSCCode(rc)) }
        // A multi-string: names separated by NUL, ended by an empty name.
        return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    /// Blocks until one of `states` differs from its `currentState` (or `timeout` ms pass; nil waits forever).
    /// Returns the states with `eventState` and ATR filled in; `.timeout` and `.cancelled` are thrown as such.
    public func statusChange(_ states: [ReaderState], timeout: UInt32? = nil) throws(SmartCardError) -> [ReaderState] {
        let names = states.map { strdup($0.reader)! }
        defer { names.forEach { free($0) } }
        var raw = states.enumerated().map { index, state in
            var r = SCARD_READERSTATE()
            r.szReader = UnsafePointer(names[index])
            r.dwCurrentState = DWORD(state.currentState)
            return r
        }
        let rc = raw.withUnsafeMutableBufferPointer { buffer in
            SCardGetStatusChange(handle, DWORD(timeout ?? 0xFFFF_FFFF), buffer.baseAddress, DWORD(buffer.count))
        }
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardGetStatusChange", code: PCSCCode(rc)) }
        return zip(states, raw).map { state, r in
            var out = state
            out.eventState = UInt32(truncatingIfNeeded: r.dwEventState)
            let atrLength = min(Int(r.cbAtr), 33)
            out.atr = withUnsafeBytes(of: r.rgbAtr) { Array($0.prefix(atrLength)) }
            return out
        }
    }

    /// Ends a blocking `statusChange` on this context from another thread.
    public func cancel() {
        SCardCancel(handle)
    }

    /// Connects to the card in `reader`, shared, T=0 or T=1.
    public func connect(reader: String) throws(SmartCardError) -> CardConnection {
        var card: SCARDHANDLE = 0
        var protocolInUse: DWORD = 0
        let rc = SCardConnect(
            handle, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &protocolInUse
        )
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardConnect", code: PCSCCode(rc)) }
        return CardConnection(context: self, handle: card, reader: reader, protocolInUse: protocolInUse)
    }
}

/// One entry of `SCardGetStatusChange`: what the caller last saw, and what pcscd reports now.
public struct ReaderState: Sendable, Equatable {
    public var reader: String
    public var currentState: UInt32
    public var eventState: UInt32 = 0
    public var atr: [UInt8] = []

    public init(reader: String, currentState: UInt32 = 0) {
        self.reader = reader
        self.currentState = currentState
    }

    public var changed: Bool { eventState & UInt32(SCARD_STATE_CHANGED) != 0 }
    public var present: Bool { eventState & UInt32(SCARD_STATE_PRESENT) != 0 && eventState & UInt32(SCARD_STATE_MUTE) == 0 }
    public var unavailable: Bool { eventState & UInt32(SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE) != 0 }
    /// The state to wait on next: what was just seen, without the CHANGED flag.
    public var acknowledged: ReaderState {
        var next = self
        next.currentState = eventState & ~UInt32(SCARD_STATE_CHANGED)
        return next
    }
}

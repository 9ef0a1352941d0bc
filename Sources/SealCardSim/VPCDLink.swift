import Foundation
import Glibc

/// The card end of vsmartcard-vpcd's TCP protocol: every message is a 2-byte big-endian length and a payload.
/// A 1-byte payload is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR); anything longer is a
/// command APDU answered with response data and SW1 SW2.
public final class VPCDLink {
    let fd: Int32

    /// Connects to vpcd on 127.0.0.1:`port`; nil while nothing listens there.
    public init?(port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    public enum Message {
        case powerOff, powerOn, reset, atrRequest, apdu([UInt8])
    }

    /// Waits up to `timeout` ms for the next message. nil on timeout (or a signal); throws when vpcd hung up.
    public func receive(timeout: Int32) throws -> Message? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, timeout)
        if ready <= 0 { return nil }
        let header = try read(count: 2)
        let length = Int(header[0]) << 8 | Int(header[1])
        let payload = try read(count: length)
        if payload.count == 1 {
            switch payload[0] {
            case 0: return .powerOff
            case 1: return .powerOn
            case 2: return .reset
            case 4: return .atrRequest
            default: return .apdu(payload)
            }
        }
        return .apdu(payload)
    }

    public func send(_ payload: [UInt8]) throws {
        let frame = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var offset = 0
        while offset < frame.count {
            let n = frame[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            offset += n
        }
    }

    private func read(count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            // vpcd writes the length and the APDU separately without TCP_NODELAY: without a quick ACK before each
            // read, every APDU waits for the delayed-ACK timer (~40 ms). The kernel clears the flag, so set it each time.
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            let n = buffer[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw POSIXError(.ECONNRESET) }
            offset += n
        }
        return buffer
    }
}

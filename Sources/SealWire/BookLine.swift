import Foundation
import SealCore

/// One line of the 印章使用登记本 as a store reads it (the use, its seal, matter, people and request), and the two
/// forms it is shown in: the API's `UseView` and an export's `ExportLine`. The township (SQLite) and the county
/// (PostgreSQL) read it with their own queries and show it through these, so a line reads the same at both.
public struct BookLine: Sendable {
    public var id, time, sealID, sealName, matterCode, caseNumber, reason, user, requestID, medium: String
    public var serial, count, effectiveCount: Int
    public var urgent: Bool
    public var note, documentDigest, matterName, userName, bookApprover, approverName, deniedBy, deniedByName, method: String?
    public var denialReason, deniedAt, recorder, certificateFingerprint, statement, signature: String?

    public init(
        id: String, time: String, sealID: String, sealName: String, matterCode: String, caseNumber: String, reason: String, user: String,
        requestID: String, medium: String, serial: Int, count: Int, effectiveCount: Int, urgent: Bool, note: String?, documentDigest: String?,
        matterName: String?, userName: String?, bookApprover: String?, approverName: String?, deniedBy: String?, deniedByName: String?,
        method: String?, denialReason: String?, deniedAt: String?, recorder: String?, certificateFingerprint: String?, statement: String?,
        signature: String?
    ) {
        (self.id, self.time, self.sealID, self.sealName, self.matterCode, self.caseNumber, self.reason, self.user, self.requestID, self.medium) =
            (id, time, sealID, sealName, matterCode, caseNumber, reason, user, requestID, medium)
        (self.serial, self.count, self.effectiveCount, self.urgent) = (serial, count, effectiveCount, urgent)
        (self.note, self.documentDigest, self.matterName, self.userName, self.bookApprover, self.approverName) =
            (note, documentDigest, matterName, userName, bookApprover, approverName)
        (self.deniedBy, self.deniedByName, self.method, self.denialReason, self.deniedAt, self.recorder) =
            (deniedBy, deniedByName, method, denialReason, deniedAt, recorder)
        (self.certificateFingerprint, self.statement, self.signature) = (certificateFingerprint, statement, signature)
    }

    /// Whether an export's page keeps a line: inside the window (a line near its edges may be out of it, since
    /// times can step back a little against 序号) and of the filter's matter and user.
    public static func isExported(_ filter: BookFilter, lower: String, upper: String, time: String, matter: String, user: String) -> Bool {
        time >= lower && time < upper && (filter.matter.map { $0 == matter } ?? true) && (filter.user.map { $0 == user } ?? true)
    }

    /// The local date and wall-clock time of a stored UTC time in `zone`.
    public static func local(_ time: String, zone: TimeZone) -> (timestamp: Date, date: String, time: String) {
        let date = LocalTime.parseStored(time) ?? Date(timeIntervalSince1970: 0)
        let c = CivilTime(date, zone: zone)
        return (date, c.dateText, c.timeText)
    }

    /// `local(_:zone:)` of a stored time held as its UTF-8 bytes (a store's column), its date and time only.
    public static func local(stored bytes: UnsafeBufferPointer<UInt8>, zone: TimeZone) -> (date: String, time: String) {
        guard let civil = CivilTime.parseStored(bytes) else {
            let local = local(String(decoding: bytes, as: UTF8.self), zone: zone)
            return (local.date, local.time)
        }
        let c = CivilTime(Date(timeIntervalSince1970: TimeInterval(civil.secondsSince1970)), zone: zone)
        return (c.dateText, c.timeText)
    }

    /// The line as the API answers it, with its corrections (in order, with the corrector's name).
    public func useView(corrections: [UseView.Correction], zone: TimeZone) -> UseView {
        let local = Self.local(time, zone: zone)
        return UseView(
            id: id, serial: serial, seal: sealID, sealName: sealName, time: time,
            localDate: local.date, localTime: local.time,
            reason: reason, approver: bookApprover, approverName: approverName,
            denial: deniedBy.map { UseRequest.Denial(by: $0, reason: denialReason ?? "", at: deniedAt ?? "") },
            deniedByName: deniedByName, user: user,
            userName: userName ?? "", count: effectiveCount, recordedCount: count, matter: matterCode,
            matterName: matterName ?? "", caseNumber: caseNumber, request: requestID, urgent: urgent,
            recorder: recorder, note: note, documentDigest: documentDigest, medium: medium,
            certificateFingerprint: certificateFingerprint, statement: statement, signature: signature,
            corrections: corrections
        )
    }

    /// An export line from the columns it shows: both stores read only those columns for an export, the township's
    /// straight from SQLite, the county's from PostgreSQL's rows (a whole `BookLine` per row, built and dropped, was a
    /// tenth of the export's time).
    public static func exportLine(
        serial: Int, time: String, sealName: String, reason: String, approver: String?, approverName: String?, deniedBy: String?,
        deniedByName: String?, urgent: Bool, user: String, userName: String?, count: Int, effectiveCount: Int, matterCode: String,
        matterName: String?, caseNumber: String, method: String?, note: String?, documentDigest: String?, corrections: [UseView.Correction],
        headers: BookTable.Headers, zone: TimeZone
    ) -> ExportLine {
        let local = Self.local(time, zone: zone)
        let approver = BookTable.approver(
            BookTable.person(name: approverName, id: approver), denied: BookTable.person(name: deniedByName, id: deniedBy), urgent: urgent, headers
        )
        let lineCorrections: [BookTable.Correction] = corrections.map { x in
            BookTable.Correction(
                count: x.count, reason: x.reason, by: BookTable.person(name: x.byName, id: x.by),
                day: LocalTime.parseStored(x.at).map { LocalDate.today($0, timeZone: zone).description } ?? ""
            )
        }
        let line = BookTable.Line(
            serial: serial, date: local.date, time: local.time, sealName: sealName,
            reason: reason, approver: approver, user: BookTable.person(name: userName, id: user), count: effectiveCount,
            matterCode: matterCode, matterName: matterName ?? "", caseNumber: caseNumber,
            method: BookTable.methodName(method, headers), urgent: urgent,
            corrections: BookTable.corrections(recorded: count, lineCorrections),
            note: note ?? "", documentDigest: documentDigest ?? ""
        )
        return ExportLine(line: line, timestamp: local.timestamp)
    }
}

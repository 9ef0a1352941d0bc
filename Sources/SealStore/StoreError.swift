import SealCore

extension SealError.Code {
    public static let storageUnavailable = Self("storage-unavailable")
    public static let storageMisconfigured = Self("storage-misconfigured")
}

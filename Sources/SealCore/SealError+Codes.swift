// Every code the API answers with, each with its kind (and so its HTTP status). `all` lists them; a test checks
// that docs/openapi.yaml lists each under the status the daemon answers it with.

// Requests and identity.
extension SealError.Code {
    public static let badRequest = Self("bad-request", .badRequest)
    public static let notFound = Self("not-found", .notFound)
    public static let methodNotAllowed = Self("method-not-allowed", .methodNotAllowed)
    public static let payloadTooLarge = Self("payload-too-large", .tooLarge)
    public static let forbidden = Self("forbidden", .forbidden)
    public static let onBehalfOfNotAllowed = Self("on-behalf-of-not-allowed", .forbidden)
    public static let unknownStaff = Self("unknown-staff", .notFound)
    public static let internalError = Self("internal-error", .internal)
}

// Storage, start-up and transport.
extension SealError.Code {
    /// Disk full, read-only, an I/O error: nothing was recorded; reads still work.
    public static let storageUnavailable = Self("storage-unavailable", .unavailable)
    public static let backupFailed = Self("backup-failed", .unavailable)
    /// The connection was over `[daemon] max_connections` or `max_connections_per_user`.
    public static let tooManyConnections = Self("too-many-connections", .unavailable)
    /// A bundle asked of a register that has signed no checkpoint yet.
    public static let noCheckpoint = Self("no-checkpoint", .conflict)
    /// The caller is a disabled staff member (or a trusted tool acting for one).
    public static let callerDisabled = Self("caller-disabled", .forbidden)
    /// A trusted tool acts for a staff id nobody holds: no identity, so 403 like every identity refusal.
    public static let unknownCaller = Self("unknown-caller", .forbidden)
    // Start-up failures: logged with a non-zero exit, never an HTTP answer.
    public static let storageMisconfigured = Self("storage-misconfigured", .internal)
    public static let stateDirectoryUnusable = Self("state-directory-unusable", .internal)
    public static let socketUnusable = Self("socket-unusable", .internal)
    public static let socketInUse = Self("socket-in-use", .internal)
}

// The county witness, as the township sees it: writes are refused once the county shows the register is not the one
// it cosigned.
extension SealError.Code {
    /// The county has cosigned a larger register than this one: an older copy of the state directory was restored.
    public static let registerRolledBack = Self("register-rolled-back", .unavailable)
    /// The county refuses this register's history: it is not an extension of what the county cosigned.
    public static let registerForked = Self("register-forked", .unavailable)
}

// Codes only `sealcountyd` answers with (its own socket API; not in the township's OpenAPI document).
extension SealError.Code {
    public static let databaseUnavailable = Self("database-unavailable", .unavailable)
    public static let townshipExists = Self("township-exists", .conflict)

    public static let countyOnly: [SealError.Code] = [.databaseUnavailable, .townshipExists]
}

extension SealError.Code {
    public static let invalidField = Self("invalid-field", .badRequest)
    public static let illegalTransition = Self("illegal-transition", .conflict)
    public static let witnessRequired = Self("witness-required", .badRequest)
    public static let unknownSeal = Self("unknown-seal", .notFound)
    public static let unknownMatter = Self("unknown-matter", .notFound)
    public static let unknownDelegation = Self("unknown-delegation", .notFound)
    public static let nonDelegable = Self("non-delegable", .conflict)
    public static let crossTownship = Self("cross-township", .conflict)
    public static let sealKindMismatch = Self("seal-kind-mismatch", .conflict)
    public static let invalidValidity = Self("invalid-validity", .badRequest)
    public static let alreadyCarriedOut = Self("already-carried-out", .conflict)
    public static let notCarriedOut = Self("not-carried-out", .conflict)
    public static let staffExists = Self("staff-exists", .conflict)
    public static let staffDisabled = Self("staff-disabled", .conflict)
    public static let invalidCatalogue = Self("invalid-catalogue", .unprocessable)
    public static let alreadyRevoked = Self("already-revoked", .conflict)
    public static let journalTampered = Self("journal-tampered", .unavailable)
    public static let registerTampered = Self("register-tampered", .unavailable)
    public static let selfApproval = Self("self-approval", .forbidden)
    public static let sealNotActive = Self("seal-not-active", .conflict)
    public static let matterNotDelegated = Self("matter-not-delegated", .conflict)
    public static let delegationNotInForce = Self("delegation-not-in-force", .conflict)
    public static let delegationUnfiled = Self("delegation-unfiled", .conflict)
    public static let acceptanceOnly = Self("acceptance-only", .conflict)
    public static let notApproved = Self("not-approved", .conflict)
    public static let approvalExpired = Self("approval-expired", .conflict)
    public static let countExceedsApproval = Self("count-exceeds-approval", .conflict)
    public static let sealCarriedOut = Self("seal-carried-out", .conflict)
    public static let unknownRequest = Self("unknown-request", .notFound)
    public static let unknownUse = Self("unknown-use", .notFound)
    public static let illegalRequestState = Self("illegal-request-state", .conflict)
    public static let notRequester = Self("not-requester", .forbidden)
    public static let wrongMedium = Self("wrong-medium", .conflict)
    public static let staffRequired = Self("staff-required", .forbidden)
    public static let digestMismatch = Self("digest-mismatch", .conflict)
    // Key cards (PC/SC, PIV).
    public static let pcscUnavailable = Self("pcsc-unavailable", .unavailable)
    public static let unknownReader = Self("unknown-reader", .notFound)
    public static let cardAbsent = Self("card-absent", .conflict)
    public static let cardLocked = Self("card-locked", .conflict)
    public static let cardMismatch = Self("card-mismatch", .conflict)
    public static let cardNotBound = Self("card-not-bound", .conflict)
    public static let cardAlreadyBound = Self("card-already-bound", .conflict)
    public static let cardBoundElsewhere = Self("card-bound-elsewhere", .conflict)
    public static let wrongPIN = Self("wrong-pin", .forbidden)
    public static let cardBlocked = Self("card-blocked", .conflict)
    public static let cardError = Self("card-error", .unavailable)
    public static let notCustodian = Self("not-custodian", .forbidden)
}

extension SealError.Code {
    /// Every code there is, in declaration order: the OpenAPI document lists each with its status (a test checks).
    public static let all: [SealError.Code] = [
        .badRequest, .notFound, .methodNotAllowed, .payloadTooLarge, .forbidden, .onBehalfOfNotAllowed, .unknownStaff, .internalError,
        .storageUnavailable,
        .backupFailed,
        .tooManyConnections,
        .noCheckpoint,
        .callerDisabled,
        .unknownCaller,
        .storageMisconfigured,
        .stateDirectoryUnusable,
        .socketUnusable,
        .socketInUse,
        .registerRolledBack,
        .registerForked,
        .invalidField,
        .illegalTransition,
        .witnessRequired,
        .unknownSeal,
        .unknownMatter,
        .unknownDelegation,
        .nonDelegable,
        .crossTownship,
        .sealKindMismatch,
        .invalidValidity,
        .alreadyCarriedOut,
        .notCarriedOut,
        .staffExists,
        .staffDisabled,
        .invalidCatalogue,
        .alreadyRevoked,
        .journalTampered,
        .registerTampered,
        .selfApproval,
        .sealNotActive,
        .matterNotDelegated,
        .delegationNotInForce,
        .delegationUnfiled,
        .acceptanceOnly,
        .notApproved,
        .approvalExpired,
        .countExceedsApproval,
        .sealCarriedOut,
        .unknownRequest,
        .unknownUse,
        .illegalRequestState,
        .notRequester,
        .wrongMedium,
        .staffRequired,
        .digestMismatch,
        .pcscUnavailable,
        .unknownReader,
        .cardAbsent,
        .cardLocked,
        .cardMismatch,
        .cardNotBound,
        .cardAlreadyBound,
        .cardBoundElsewhere,
        .wrongPIN,
        .cardBlocked,
        .cardError,
        .notCustodian,
    ]
}

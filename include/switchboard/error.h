// switchboard: the one error model. Every public function reports failure by throwing
// switchboard::Error (or a subclass) carrying a machine-readable ErrorCode.
// Thread-safe: error objects are immutable values.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "switchboard/export.h"

namespace switchboard {

/// Machine-readable error codes. `error_code_name()` gives the stable snake_case string
/// that Python exposes as `exc.code`.
enum class ErrorCode {
  kInvalidArgument,  ///< "invalid_argument": a caller passed something malformed
  kValidation,       ///< "validation": a business rule rejected the data
  kNotFound,         ///< "not_found": a named document or resource does not exist
  kUnknownDoctype,   ///< "unknown_doctype": the schema has no such doctype
  kDuplicate,        ///< "duplicate": a name or unique field is already taken
  kConflict,         ///< "conflict": concurrent modification detected
  kNotSupported,     ///< "not_supported": the backend lacks an optional capability
  kTransaction,      ///< "transaction": begin/commit/rollback used out of order
  kBusy,             ///< "busy": the database stayed locked past the busy timeout
  kIo,               ///< "io": the file system failed
  kCorrupt,          ///< "corrupt": the database file is damaged or not a database
  kSchema,           ///< "schema": schema creation or migration failed
  kBackend,          ///< "backend": a storage backend raised a foreign error
  kInjectedFault,    ///< "injected_fault": raised on purpose by FaultyStore
  kParse,            ///< "parse": malformed input text (JSON, MIME, ...)
  kHttp,             ///< "http": an HTTP exchange failed
  kTimeout,          ///< "timeout": an operation ran out of time
  kAuth,             ///< "auth": authentication or signature check failed
  /// "reauthorization_required": the stored grant is dead (refresh token expired or revoked,
  /// no JWT to fall back on); a person must sign in again
  kReauthorizationRequired,
  kInternal,         ///< "internal": a bug in switchboard
};

/// The stable snake_case name of a code ("not_found", ...). Never throws.
SWITCHBOARD_EXPORT const char* error_code_name(ErrorCode code) noexcept;

/// Base of every exception switchboard throws.
class SWITCHBOARD_EXPORT Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// True when the error ended a transaction for reasons of concurrency — a deadlock, a
/// serialization or certification conflict (code conflict), a lock that stayed taken (busy) —
/// so that running the whole transaction again may succeed. Never throws.
SWITCHBOARD_EXPORT bool is_retryable(const Error& error) noexcept;

/// A business rule or input check failed; the message is meant for a person.
class SWITCHBOARD_EXPORT ValidationError : public Error {
 public:
  explicit ValidationError(const std::string& message, ErrorCode code = ErrorCode::kValidation);
};

/// A document, doctype or resource that must exist does not.
class SWITCHBOARD_EXPORT NotFound : public Error {
 public:
  explicit NotFound(const std::string& message, ErrorCode code = ErrorCode::kNotFound);
};

/// The storage backend failed (duplicate name, busy, I/O, corrupt file, foreign exception).
class SWITCHBOARD_EXPORT StoreError : public Error {
 public:
  StoreError(ErrorCode code, const std::string& message);
};

/// An optional capability is not implemented by this backend.
class SWITCHBOARD_EXPORT NotSupported : public Error {
 public:
  explicit NotSupported(const std::string& message);
};

/// Malformed input; `position()` is the byte offset where parsing stopped (npos if unknown).
class SWITCHBOARD_EXPORT ParseError : public Error {
 public:
  explicit ParseError(const std::string& message, std::size_t position = npos);
  std::size_t position() const noexcept { return position_; }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::size_t position_;
};

/// An HTTP exchange failed in a way the caller asked to be raised. `status` is the HTTP status
/// (0 when no response arrived: timeout, refused connection, TLS failure).
class SWITCHBOARD_EXPORT HttpError : public Error {
 public:
  HttpError(const std::string& message, int status = 0, ErrorCode code = ErrorCode::kHttp);
  /// An error the server reported: `api_code` is its machine-readable code (RingCentral's
  /// "CMN-301", "OAU-213", or OAuth's "invalid_grant"; "" when none), `retry_after_seconds` how
  /// long it asked the client to wait (negative when it did not say).
  HttpError(const std::string& message, int status, std::string api_code,
            double retry_after_seconds, ErrorCode code = ErrorCode::kHttp);
  int status() const noexcept { return status_; }
  const std::string& api_code() const noexcept { return api_code_; }
  double retry_after() const noexcept { return retry_after_; }

 private:
  int status_;
  std::string api_code_;
  double retry_after_ = -1;
};

/// Credentials, tokens or signatures were missing or wrong. Code kAuth, or
/// kReauthorizationRequired when only a new sign-in can help.
class SWITCHBOARD_EXPORT AuthError : public Error {
 public:
  explicit AuthError(const std::string& message, ErrorCode code = ErrorCode::kAuth);
};

/// The program is being stopped from inside a callback (in Python: KeyboardInterrupt,
/// SystemExit or GeneratorExit raised by a Python backend or hook). Deliberately not an
/// Error: the operation's transaction is rolled back and it propagates to the caller instead
/// of becoming an error result or a skip.
class SWITCHBOARD_EXPORT Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& message);
};

}  // namespace switchboard

#include "switchboard/error.h"

#include <utility>

namespace switchboard {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kValidation: return "validation";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnknownDoctype: return "unknown_doctype";
    case ErrorCode::kDuplicate: return "duplicate";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kNotSupported: return "not_supported";
    case ErrorCode::kTransaction: return "transaction";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kSchema: return "schema";
    case ErrorCode::kBackend: return "backend";
    case ErrorCode::kInjectedFault: return "injected_fault";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kHttp: return "http";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kAuth: return "auth";
    case ErrorCode::kReauthorizationRequired: return "reauthorization_required";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

bool is_retryable(const Error& error) noexcept {
  return error.code() == ErrorCode::kConflict || error.code() == ErrorCode::kBusy;
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

ValidationError::ValidationError(const std::string& message, ErrorCode code)
    : Error(code, message) {}

NotFound::NotFound(const std::string& message, ErrorCode code) : Error(code, message) {}

StoreError::StoreError(ErrorCode code, const std::string& message) : Error(code, message) {}

NotSupported::NotSupported(const std::string& message)
    : Error(ErrorCode::kNotSupported, message) {}

Interrupted::Interrupted(const std::string& message) : std::runtime_error(message) {}

ParseError::ParseError(const std::string& message, std::size_t position)
    : Error(ErrorCode::kParse, message), position_(position) {}

HttpError::HttpError(const std::string& message, int status, ErrorCode code)
    : Error(code, message), status_(status) {}

HttpError::HttpError(const std::string& message, int status, std::string api_code,
                     double retry_after_seconds, ErrorCode code)
    : Error(code, message),
      status_(status),
      api_code_(std::move(api_code)),
      retry_after_(retry_after_seconds) {}

AuthError::AuthError(const std::string& message, ErrorCode code) : Error(code, message) {}

}  // namespace switchboard

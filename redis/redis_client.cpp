#include "redis/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <sys/time.h>

namespace vs::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
}

redis_value copy_reply(const redisReply& reply) {
  redis_value value;
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      value.type = redis_value::kind::integer;
      value.integer = reply.integer;
      break;
    case REDIS_REPLY_STRING:
      value.type = redis_value::kind::text;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      value.type = redis_value::kind::status;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ARRAY:
      value.type = redis_value::kind::array;
      value.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i)
        value.elements.push_back(copy_reply(*reply.element[i]));
      break;
    default:
      break;
  }
  return value;
}

constexpr std::chrono::milliseconds max_backoff{2000};

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

/// A replica answering, or a primary cut off from its replicas: after a
/// failover the same address may lead elsewhere, so connect afresh.
bool wants_new_connection(const std::string& reply) {
  return starts_with(reply, "READONLY") || starts_with(reply, "MASTERDOWN");
}

} // namespace

bool is_transient_reply(const std::string& reply) {
  for (const char* prefix : {"BUSY ", "LOADING", "READONLY", "MASTERDOWN", "NOREPLICAS", "TRYAGAIN", "CLUSTERDOWN",
                             "OOM", "MISCONF", "ERR max number of clients"})
    if (starts_with(reply, prefix))
      return true;
  return false;
}

redis_client::redis_client(redis_endpoint endpoint) : endpoint_(std::move(endpoint)) {}

redis_client::~redis_client() { disconnect(); }

void redis_client::disconnect() {
  if (context_ != nullptr)
    redisFree(context_);
  context_ = nullptr;
}

status redis_client::connect() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_connect_)
    return make_error(errc::unavailable, "Redis at " + endpoint_.describe() + " is unreachable (retrying)");
  auto tv = to_timeval(endpoint_.connect_timeout);
  redisContext* context = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  auto fail = [&](const std::string& why) -> status {
    if (context != nullptr)
      redisFree(context);
    backoff_ = std::min(max_backoff, std::max(std::chrono::milliseconds(100), backoff_ * 2));
    next_connect_ = std::chrono::steady_clock::now() + backoff_;
    return make_error(errc::unavailable, "Redis at " + endpoint_.describe() + ": " + why);
  };
  if (context == nullptr)
    return fail("cannot allocate a connection");
  if (context->err != 0)
    return fail(context->errstr);
  context_ = context;
  backoff_ = std::chrono::milliseconds(0);
  // A connection that failed AUTH or SELECT is not used: it would answer
  // every later command with an error instead of reconnecting.
  if (!endpoint_.password.empty()) {
    if (auto auth = run({"AUTH", endpoint_.password}, endpoint_.command_timeout); !auth) {
      disconnect();
      return make_error(errc::unavailable, "Redis at " + endpoint_.describe() + ": " + auth.error().message);
    }
  }
  if (endpoint_.database != 0) {
    if (auto select = run({"SELECT", std::to_string(endpoint_.database)}, endpoint_.command_timeout); !select) {
      disconnect();
      return make_error(errc::unavailable, "Redis at " + endpoint_.describe() + ": " + select.error().message);
    }
  }
  return {};
}

expected<redis_value> redis_client::run(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  if (context_ == nullptr) {
    if (auto connected_now = connect(); !connected_now)
      return connected_now.error();
  }
  redisSetTimeout(context_, to_timeval(timeout));
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
    redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (reply == nullptr) {
    std::string why = context_->err != 0 ? context_->errstr : "no reply";
    // The connection is in an unknown state (a reply may still be in
    // flight): drop it; the next call reconnects.
    disconnect();
    return make_error(errc::unavailable, "Redis at " + endpoint_.describe() + ": " + why);
  }
  expected<redis_value> result = redis_value{};
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string text(reply->str, reply->len);
    result = make_error(is_transient_reply(text) ? errc::unavailable : errc::internal,
                        "Redis " + args.front() + ": " + text);
    if (wants_new_connection(text))
      disconnect();
  } else {
    result = copy_reply(*reply);
  }
  freeReplyObject(reply);
  return result;
}

expected<redis_value> redis_client::command(const std::vector<std::string>& args) {
  return run(args, endpoint_.command_timeout);
}

expected<redis_value> redis_client::blocking_command(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds block) {
  return run(args, block + endpoint_.command_timeout);
}

expected<redis_value> redis_client::eval(const lua_script& script, const std::vector<std::string>& keys,
                                         const std::vector<std::string>& args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto& hash = script_hashes_[script.name];
    if (hash.empty()) {
      auto loaded = command({"SCRIPT", "LOAD", script.source});
      if (!loaded)
        return loaded.error();
      hash = loaded->text;
    }
    std::vector<std::string> call{"EVALSHA", hash, std::to_string(keys.size())};
    call.insert(call.end(), keys.begin(), keys.end());
    call.insert(call.end(), args.begin(), args.end());
    auto reply = command(call);
    // A restarted Redis has forgotten the script: load it again once.
    if (!reply && reply.error().message.find("NOSCRIPT") != std::string::npos) {
      hash.clear();
      continue;
    }
    if (!reply)
      return make_error(reply.error().code, "script " + script.name + ": " + reply.error().message);
    return reply;
  }
  return make_error(errc::internal, "script " + script.name + " could not be loaded");
}

} // namespace vs::redis

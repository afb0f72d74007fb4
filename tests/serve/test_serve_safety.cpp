// Nothing a client sends may crash the server or get a non-JSON answer: a corpus of malformed
// requests, then the same valid request as before must still get the same answer. Also keys,
// rate limits, the audit log and TLS.
#include <gtest/gtest.h>

#include "finml/data/loader.hpp"
#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Models;
using testing::Running;

struct Case {
  std::string label, method, path, body;
  int status;
  std::string kind;
  std::string type = "application/json";
};

std::vector<double> RecentCloses(std::size_t n) {
  const data::MarketData md =
      data::LoadMarketData(finml::testing::RepoPath("data/aer_djia8012.csv"));
  const auto& c = md.assets[0].close;
  return {c.end() - static_cast<std::ptrdiff_t>(n), c.end()};
}

nlohmann::json Applicant() {
  const credit::Table t = credit::LoadTable(finml::testing::RepoPath("data/german_credit.csv"));
  nlohmann::json a = nlohmann::json::object();
  for (const auto& c : t.columns)
    if (c.name != "Class") a[c.name] = c.numbers[0];
  return a;
}

TEST(ServeSafety, MalformedRequestCorpusGetsJsonErrorsAndTheServerStillAnswers) {
  const auto& m = Models();
  ServeOptions o = testing::TestOptions(testing::ModelsDir(
      "corpus", {{"lstm", m.lstm}, {"msft", m.ohlcv}, {"credit", m.credit_logistic}}));
  o.max_body_bytes = 256 * 1024;
  o.limits.max_batch = 5;
  o.limits.max_window_rows = 2000;
  Running server(o);
  const std::size_t n = server.Get("/v1/models/lstm").Json().at("input").at("min_bars");
  const std::size_t n_msft = server.Get("/v1/models/msft").Json().at("input").at("min_bars");
  const auto prices = RecentCloses(n);
  const nlohmann::json valid = {{"prices", prices}};
  const auto before = server.Post("/v1/models/lstm/predict", valid);
  ASSERT_EQ(before.status, 200) << before.body;
  const auto applicant = Applicant();
  const auto credit_before = server.Post("/v1/models/credit/predict", {{"applicant", applicant}});
  ASSERT_EQ(credit_before.status, 200) << credit_before.body;

  auto with = [&](std::size_t index, const nlohmann::json& value) {
    nlohmann::json p = prices;
    p[index] = value;
    return nlohmann::json{{"prices", p}}.dump();
  };
  auto applicant_with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json a = applicant;
    if (value.is_discarded())
      a.erase(key);
    else
      a[key] = value;
    return nlohmann::json{{"applicant", a}}.dump();
  };
  nlohmann::json bars = nlohmann::json::array();
  for (std::size_t i = 0; i < n_msft; ++i)
    bars.push_back({{"date", fmt::format("2020-01-{:02d}", 1 + i % 28)},
                    {"high", 11.0},
                    {"low", 9.0},
                    {"close", 10.0}});
  auto msft = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json b = bars;
    for (std::size_t i = 0; i < b.size(); ++i)
      b[i]["date"] =
          data::FormatTimestamp(data::kSecondsPerDay * static_cast<std::int64_t>(18000 + i));
    edit(b);
    return nlohmann::json{{"bars", b}}.dump();
  };
  const std::string lstm = "/v1/models/lstm/predict", credit = "/v1/models/credit/predict";
  const std::string deep_nesting = std::string(100000, '[') + std::string(100000, ']');
  std::vector<Case> corpus = {
      {"empty body", "POST", lstm, "", 400, "malformed_json"},
      {"truncated", "POST", lstm, R"({"prices": [1, 2)", 400, "malformed_json"},
      {"not json", "POST", lstm, "prices=1,2,3", 400, "malformed_json"},
      {"trailing garbage", "POST", lstm, R"({"prices": [1]} x)", 400, "malformed_json"},
      {"invalid utf-8", "POST", lstm, "{\"prices\": \"\xff\xfe\"}", 400, "malformed_json"},
      {"overflowing number", "POST", lstm, with(0, 0).replace(11, 1, "1e999"), 400,
       "malformed_json"},
      {"deep nesting", "POST", lstm, deep_nesting, 400, "invalid_request"},
      {"repeated key", "POST", lstm, R"({"bars": [], "bars": []})", 400, "repeated_key"},
      {"array body", "POST", lstm, "[1, 2, 3]", 400, "invalid_request"},
      {"null body", "POST", lstm, "null", 400, "invalid_request"},
      {"string body", "POST", lstm, "\"hello\"", 400, "invalid_request"},
      {"empty object", "POST", lstm, "{}", 400, "invalid_request"},
      {"prices not array", "POST", lstm, R"({"prices": "1,2,3"})", 400, "invalid_request"},
      {"price as string", "POST", lstm, with(3, "101.5"), 400, "invalid_request"},
      {"price as bool", "POST", lstm, with(3, true), 400, "invalid_request"},
      {"price null", "POST", lstm, with(3, nullptr), 400, "invalid_request"},
      {"price NaN text", "POST", lstm, with(3, "NaN"), 422, "invalid_value"},
      {"price Infinity text", "POST", lstm, with(3, "-Infinity"), 422, "invalid_value"},
      {"negative price", "POST", lstm, with(3, -5.0), 422, "invalid_value"},
      {"zero price", "POST", lstm, with(3, 0.0), 422, "invalid_value"},
      {"extra top-level field", "POST", lstm,
       nlohmann::json{{"prices", prices}, {"proces", 1}}.dump(), 400, "invalid_request"},
      {"bars and prices", "POST", lstm, nlohmann::json{{"prices", prices}, {"bars", {}}}.dump(),
       400, "invalid_request"},
      {"window too short", "POST", lstm, nlohmann::json{{"prices", {100.0, 101.0}}}.dump(), 422,
       "wrong_window_length"},
      {"window too long", "POST", lstm,
       nlohmann::json{{"prices", std::vector<double>(2001, 100.0)}}.dump(), 422,
       "wrong_window_length"},
      {"empty window", "POST", lstm, R"({"prices": []})", 422, "wrong_window_length"},
      {"dates length differs", "POST", lstm,
       nlohmann::json{{"prices", prices}, {"dates", {"2020-01-01"}}}.dump(), 400,
       "invalid_request"},
      {"decisions unknown", "POST", lstm,
       nlohmann::json{{"prices", prices}, {"decisions", "some"}}.dump(), 422, "invalid_value"},
      {"empty batch", "POST", lstm, R"({"instances": []})", 422, "invalid_value"},
      {"batch too large", "POST", lstm,
       nlohmann::json{{"instances", std::vector<nlohmann::json>(6, valid)}}.dump(), 413,
       "batch_too_large"},
      {"bad instance in batch", "POST", lstm,
       nlohmann::json{{"instances", {valid, {{"prices", {1.0}}}}}}.dump(), 422,
       "wrong_window_length"},
      {"instance not object", "POST", lstm, nlohmann::json{{"instances", {valid, 5}}}.dump(), 400,
       "invalid_request"},
      {"bars need high/low: prices refused", "POST", "/v1/models/msft/predict",
       nlohmann::json{{"prices", std::vector<double>(n_msft, 10.0)}}.dump(), 400,
       "invalid_request"},
      {"bar missing low", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[5].erase("low"); }), 400, "invalid_request"},
      {"bar with unused volume", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[5]["volume"] = 100; }), 400, "invalid_request"},
      {"bar with unknown field", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[5]["clsoe"] = 100; }), 400, "invalid_request"},
      {"high below low", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[5]["high"] = 8.0; }), 422, "invalid_value"},
      {"dates out of order", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { std::swap(b[3]["date"], b[4]["date"]); }), 422, "invalid_value"},
      {"duplicate date", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[4]["date"] = b[3]["date"]; }), 422, "invalid_value"},
      {"unparsable date", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[4]["date"] = "yesterday"; }), 422, "invalid_value"},
      {"date only on some bars", "POST", "/v1/models/msft/predict",
       msft([](auto& b) { b[4].erase("date"); }), 400, "invalid_request"},
      {"bar not an object", "POST", "/v1/models/msft/predict", msft([](auto& b) { b[4] = 10.0; }),
       400, "invalid_request"},
      {"applicant missing feature", "POST", credit,
       applicant_with("Age", nlohmann::json(nlohmann::json::value_t::discarded)), 400,
       "invalid_request"},
      {"applicant extra feature", "POST", credit, applicant_with("Salary", 1000), 400,
       "invalid_request"},
      {"applicant target column", "POST", credit, applicant_with("Class", "Good"), 400,
       "invalid_request"},
      {"feature as string", "POST", credit, applicant_with("Age", "forty"), 400, "invalid_request"},
      {"feature null (no imputation)", "POST", credit, applicant_with("Age", nullptr), 422,
       "invalid_value"},
      {"feature NaN text", "POST", credit, applicant_with("Amount", "nan"), 422, "invalid_value"},
      {"applicants not array", "POST", credit, R"({"applicants": {"Age": 30}})", 400,
       "invalid_request"},
      {"applicant and applicants", "POST", credit, R"({"applicant": {}, "applicants": []})", 400,
       "invalid_request"},
      {"negative reasons", "POST", credit,
       nlohmann::json{{"applicant", applicant}, {"reasons", -1}}.dump(), 400, "invalid_request"},
      {"too many reasons", "POST", credit,
       nlohmann::json{{"applicant", applicant}, {"reasons", 1000}}.dump(), 422, "invalid_value"},
      {"too many applicants", "POST", credit,
       nlohmann::json{{"applicants", std::vector<nlohmann::json>(6, applicant)}}.dump(), 413,
       "batch_too_large"},
      {"unknown model", "POST", "/v1/models/lstn/predict", valid.dump(), 404, "unknown_model"},
      {"unknown route", "GET", "/v1/nothing", "", 404, "not_found"},
      {"path traversal", "GET", "/v1/models/../../etc/passwd", "", 404, "not_found"},
      {"GET on predict", "GET", lstm, "", 405, "method_not_allowed"},
      {"PUT on models", "PUT", "/v1/models", "{}", 405, "method_not_allowed"},
      {"wrong content type", "POST", lstm, valid.dump(), 415, "unsupported_media_type",
       "text/plain"},
      {"body over the limit", "POST", lstm, std::string(300 * 1024, ' '), 413, "body_too_large"},
  };
  for (const auto& c : corpus) {
    SCOPED_TRACE(c.label);
    const auto reply = server.Request(c.method, c.path, c.body, {}, c.type);
    EXPECT_EQ(reply.status, c.status) << reply.body.substr(0, 300);
    EXPECT_EQ(reply.ErrorKind(), c.kind) << reply.body.substr(0, 300);
    const auto j = nlohmann::json::parse(reply.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << reply.body.substr(0, 200);
    EXPECT_FALSE(j["error"].value("message", "").empty());
  }
  // Requests no client library would send: the body's transport is checked before it is read.
  const std::string body = valid.dump();
  struct Raw {
    std::string label, bytes;
    int status;
    std::string kind;
  };
  const std::string head =
      "POST " + lstm + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  for (const Raw& r : std::vector<Raw>{
           {"chunked body", head + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n",
            411, "length_required"},
           {"gzip body",
            head + fmt::format("Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n{}",
                               body.size(), body),
            415, "unsupported_media_type"},
           {"no length", head + "Connection: close\r\n\r\n" + body, 411, "length_required"},
           {"multipart",
            "POST " + lstm +
                " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                "boundary=x\r\nContent-Length: 4\r\n\r\n--x\n",
            415, "unsupported_media_type"},
           {"length over the limit", head + "Content-Length: 999999999\r\n\r\n{", 413,
            "body_too_large"},
           {"junk request line", "\xff\xfeGARBAGE \x01 / HTTP/1.1\r\n\r\n", 400, "malformed_http"},
           {"two lengths (request smuggling)",
            head +
                fmt::format("Content-Length: {}\r\nContent-Length: 4\r\n\r\n{}", body.size(), body),
            400, "bad_request"},
           {"HEAD on a POST route",
            "HEAD " + lstm + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, ""},
       }) {
    SCOPED_TRACE(r.label);
    const std::string reply = testing::RawExchange(server.port(), r.bytes);
    EXPECT_EQ(testing::RawStatus(reply), r.status) << reply.substr(0, 300);
    if (!r.kind.empty())
      EXPECT_NE(reply.find("\"kind\":\"" + r.kind + "\""), std::string::npos) << reply;
  }
  // curl's -d alone sends a form: the refusal says which header to add.
  EXPECT_NE(server.Request("POST", lstm, body, {}, "application/x-www-form-urlencoded")
                .body.find("curl: -H 'Content-Type: application/json'"),
            std::string::npos);
  // Still alive, and still the same answers.
  EXPECT_EQ(server.Get("/healthz").status, 200);
  const auto after = server.Post("/v1/models/lstm/predict", valid);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.Json()["predictions"], before.Json()["predictions"]);
  EXPECT_EQ(
      server.Post("/v1/models/credit/predict", {{"applicant", applicant}}).Json()["predictions"],
      credit_before.Json()["predictions"]);
  // Every refusal was counted by kind.
  const std::string metrics = server.Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(finml_request_errors_total{kind="malformed_json"} 6)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(finml_request_errors_total{kind="body_too_large"} 2)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(finml_request_errors_total{kind="length_required"} 2)"),
            std::string::npos)
      << metrics;
  // The junk request line is counted under method "other", and the text stays valid UTF-8.
  EXPECT_NE(metrics.find(R"(method="other")"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find('\xff'), std::string::npos);
}

TEST(ServeSafety, ApiKeysGuardEverythingButHealthz) {
  const auto& m = Models();
  const std::string scratch = finml::testing::TempDir("serve_keys_scratch");
  WriteFileAtomic(scratch + "/keys",
                  "# desk keys\ndesk-a 0123456789abcdef0123\n\nabcdefghijklmnopqrstuvwxyz\nops "
                  "zzzzzzzzzzzzzzzzzzzz admin\n");
  ServeOptions o =
      testing::TestOptions(testing::ModelsDir("keys", {{"credit", m.credit_logistic}}));
  o.api_keys_file = scratch + "/keys";
  o.audit_log = scratch + "/audit.jsonl";
  Running server(o);
  const nlohmann::json request = {{"applicant", Applicant()}};
  EXPECT_EQ(server.Get("/healthz").status, 200);
  for (const std::string path :
       {"/readyz", "/metrics", "/v1/models", "/v1/models/credit", "/v1/models/credit/drift"}) {
    SCOPED_TRACE(path);
    const auto r = server.Get(path);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.ErrorKind(), "unauthorized");
  }
  EXPECT_EQ(server.Post("/v1/models/credit/predict", request).status, 401);
  EXPECT_EQ(server
                .Post("/v1/models/credit/predict", request,
                      {{"Authorization", "Bearer 0123456789abcdef012"}})
                .status,
            401);
  EXPECT_EQ(server
                .Post("/v1/models/credit/predict", request,
                      {{"Authorization", "Bearer 0123456789abcdef01234"}})
                .status,
            401);
  EXPECT_EQ(server.Post("/v1/models/credit/predict", request, {{"X-API-Key", "desk-a"}}).status,
            401);
  EXPECT_EQ(server
                .Post("/v1/models/credit/predict", request,
                      {{"Authorization", "Bearer 0123456789abcdef0123"}})
                .status,
            200);
  EXPECT_EQ(
      server
          .Post("/v1/models/credit/predict", request, {{"X-API-Key", "abcdefghijklmnopqrstuvwxyz"}})
          .status,
      200);
  EXPECT_EQ(server.Get("/metrics", {{"X-API-Key", "abcdefghijklmnopqrstuvwxyz"}}).status, 200);

  // One audit line per prediction request, refused ones included; no raw features.
  std::istringstream lines(ReadFile(scratch + "/audit.jsonl"));
  std::vector<nlohmann::json> entries;
  for (std::string line; std::getline(lines, line);) entries.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].at("outcome"), "unauthorized");
  EXPECT_EQ(entries[0].at("key_id"), "-");
  EXPECT_EQ(entries[0].at("status"), 401);
  EXPECT_EQ(entries[4].at("outcome"), "ok");
  EXPECT_EQ(entries[4].at("key_id"), "desk-a");
  EXPECT_EQ(entries[5].at("key_id"), "key-4");
  EXPECT_EQ(entries[5].at("model"), "credit");
  EXPECT_EQ(entries[5].at("version"),
            server.Get("/v1/models/credit", {{"X-API-Key", "abcdefghijklmnopqrstuvwxyz"}})
                .Json()
                .at("version"));
  EXPECT_EQ(entries[5].at("predictions"), 1);
  EXPECT_GT(entries[5].at("latency_ms").get<double>(), 0);
  EXPECT_EQ(entries[5].at("time").get<std::string>().size(), 24u);
  for (const auto& e : entries) EXPECT_FALSE(e.contains("request"));
  EXPECT_EQ(ReadFile(scratch + "/audit.jsonl").find("Duration"), std::string::npos);

  // Reloading over HTTP takes an admin key.
  const auto forbidden = server.Post("/v1/admin/reload", nlohmann::json::object(),
                                     {{"X-API-Key", "abcdefghijklmnopqrstuvwxyz"}});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.ErrorKind(), "forbidden");
  EXPECT_EQ(server
                .Post("/v1/admin/reload", nlohmann::json::object(),
                      {{"X-API-Key", "zzzzzzzzzzzzzzzzzzzz"}})
                .status,
            200);

  // After logrotate moves the log away, a reopen (SIGHUP in `finml serve`) starts a new file.
  std::filesystem::rename(scratch + "/audit.jsonl", scratch + "/audit.jsonl.1");
  server.server().ReopenAuditLog();
  ASSERT_EQ(
      server.Post("/v1/models/credit/predict", request, {{"X-API-Key", "zzzzzzzzzzzzzzzzzzzz"}})
          .status,
      200);
  const auto fresh = nlohmann::json::parse(ReadFile(scratch + "/audit.jsonl"));
  EXPECT_EQ(fresh.at("key_id"), "ops");
  EXPECT_EQ(ReadFile(scratch + "/audit.jsonl.1").find("\"ops\""), std::string::npos);
}

TEST(ServeSafety, AuditLogCarriesFeaturesOnlyWhenAsked) {
  const auto& m = Models();
  const std::string scratch = finml::testing::TempDir("serve_audit_features_scratch");
  ServeOptions o =
      testing::TestOptions(testing::ModelsDir("audit_features", {{"credit", m.credit_logistic}}));
  o.audit_log = scratch + "/audit.jsonl";
  o.audit_features = true;
  Running server(o);
  ASSERT_EQ(server.Post("/v1/models/credit/predict", {{"applicant", Applicant()}}).status, 200);
  const auto entry = nlohmann::json::parse(ReadFile(scratch + "/audit.jsonl"));
  EXPECT_EQ(nlohmann::json::parse(entry.at("request").get<std::string>())["applicant"]["Duration"],
            6);
}

TEST(ServeSafety, RateLimitPerKeyAnswers429WithRetryAfter) {
  const auto& m = Models();
  const std::string scratch = finml::testing::TempDir("serve_rate_scratch");
  WriteFileAtomic(scratch + "/keys", "a aaaaaaaaaaaaaaaaaaaa\nb bbbbbbbbbbbbbbbbbbbb\n");
  ServeOptions o =
      testing::TestOptions(testing::ModelsDir("rate", {{"credit", m.credit_logistic}}));
  o.api_keys_file = scratch + "/keys";
  o.rate_limit = 0.01;  // one token every 100 s: nothing refills during the test
  o.burst = 3;
  Running server(o);
  const nlohmann::json request = {{"applicant", Applicant()}};
  const httplib::Headers a = {{"X-API-Key", "aaaaaaaaaaaaaaaaaaaa"}},
                         b = {{"X-API-Key", "bbbbbbbbbbbbbbbbbbbb"}};
  for (int k = 0; k < 3; ++k)
    EXPECT_EQ(server.Post("/v1/models/credit/predict", request, a).status, 200);
  const auto refused = server.Post("/v1/models/credit/predict", request, a);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.ErrorKind(), "rate_limited");
  ASSERT_TRUE(refused.headers.count("Retry-After"));
  const int retry = std::stoi(refused.headers.find("Retry-After")->second);
  EXPECT_GE(retry, 99);
  EXPECT_LE(retry, 100);
  // Another key has its own bucket; health checks are never limited.
  EXPECT_EQ(server.Post("/v1/models/credit/predict", request, b).status, 200);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(server.Get("/healthz").status, 200);
  EXPECT_NE(server.Get("/metrics", b).body.find(R"(finml_rate_limited_total{key="a"} 1)"),
            std::string::npos);
  // Guessing keys is limited per address too.
  int refused_guesses = 0;
  for (int k = 0; k < 5; ++k)
    refused_guesses += server
                           .Post("/v1/models/credit/predict", request,
                                 {{"X-API-Key", "guess-guess-guess-" + std::to_string(k)}})
                           .status == 429;
  EXPECT_EQ(refused_guesses, 2);  // 3 in the burst answered 401
}

TEST(ServeSafety, ServesHttpsWithACertificate) {
  if (std::system("command -v openssl > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  const auto& m = Models();
  const std::string scratch = finml::testing::TempDir("serve_tls_scratch");
  const std::string command = fmt::format(
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout {0}/key.pem "
      "-out {0}/cert.pem > {0}/openssl.log 2>&1",
      scratch);
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(scratch + "/openssl.log");
  ServeOptions o = testing::TestOptions(testing::ModelsDir("tls", {{"credit", m.credit_logistic}}));
  o.tls_cert = scratch + "/cert.pem";
  o.tls_key = scratch + "/key.pem";
  Running server(o);
  httplib::SSLClient client("127.0.0.1", server.port());
  client.set_ca_cert_path((scratch + "/cert.pem").c_str());
  client.enable_server_certificate_verification(false);  // the certificate names localhost
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auto predict = client.Post("/v1/models/credit/predict",
                             nlohmann::json{{"applicant", Applicant()}}.dump(), "application/json");
  ASSERT_TRUE(predict);
  EXPECT_EQ(predict->status, 200) << predict->body;
  // Plain HTTP to the TLS port gets no answer.
  EXPECT_EQ(server.Get("/healthz").status, 0);

  ServeOptions wrong = o;
  wrong.quiet = true;
  wrong.tls_key = scratch + "/cert.pem";
  EXPECT_THROW(Server bad(wrong), finml::Error);
}

}  // namespace
}  // namespace finml::serve

// Hot reload under traffic: a new version of a model replaces the old one while clients keep
// predicting, and not one request fails or is answered by a half-loaded model.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "finml/data/loader.hpp"
#include "finml/run/predict.hpp"
#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Models;
using testing::Running;

namespace fs = std::filesystem;

// Replaces the symlink `link` by one to `target` in one rename, as a deploy script would.
void FlipLink(const std::string& link, const std::string& target) {
  const std::string staging = link + ".new";
  fs::remove(staging);
  fs::create_directory_symlink(target, staging);
  fs::rename(staging, link);
}

TEST(ServeReload, NewVersionSwapsInUnderTrafficWithoutAFailedRequest) {
  const auto& m = Models();
  const std::string dir = testing::ModelsDir("reload", {{"ar", m.ar}});
  ServeOptions o = testing::TestOptions(dir);
  o.reload_interval_seconds = 0.1;
  o.threads = 6;
  Running server(o);
  const auto v1 = server.Get("/v1/models/ar").Json();
  const std::size_t n = std::max(v1.at("input").at("min_bars").get<std::size_t>(), std::size_t{80});
  const data::MarketData md =
      data::LoadMarketData(finml::testing::RepoPath("data/aer_djia8012.csv"));
  const std::vector<double> window(md.assets[0].close.end() - static_cast<std::ptrdiff_t>(n),
                                   md.assets[0].close.end());
  const nlohmann::json request = {{"prices", window}};

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::mutex seen_mutex;
  std::map<std::string, std::set<double>> seen;  // version -> predictions answered under it
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(c % 2 == 0);  // both fresh and kept-alive connections
      while (!stop) {
        auto r = client.Post("/v1/models/ar/predict", request.dump(), "application/json");
        if (!r || r->status != 200) {
          ++failed;
          continue;
        }
        ++ok;
        const auto body = nlohmann::json::parse(r->body);
        std::lock_guard lock(seen_mutex);
        seen[body.at("version")].insert(body.at("predictions")[0].at("prediction").get<double>());
      }
    });
  }
  // Waits (up to 60 s: a loaded 2-core machine is slow) until `done` holds.
  auto wait_for = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return done();
  };
  auto answered = [&] { return ok.load(); };
  const int before_flip = (wait_for([&] { return answered() >= 10; }), answered());
  FlipLink(dir + "/ar", m.ar_v2);
  std::string v2;
  wait_for([&] {
    const auto now = server.Get("/v1/models/ar").Json();
    if (now.at("version") != v1.at("version")) v2 = now.at("version");
    return !v2.empty();
  });
  const int at_swap = answered();
  wait_for([&] { return answered() >= at_swap + 10; });
  // A broken new version is refused and the working one keeps serving.
  const std::string broken = finml::testing::TempDir("serve_reload_broken");
  WriteFileAtomic(broken + "/model.json", R"({"format": "finml-model/1", "name": "ar"})");
  FlipLink(dir + "/ar", broken);
  wait_for([&] {
    return server.Get("/metrics")
               .body.find(R"(finml_model_loads_total{model="ar",outcome="failed"} 1)") !=
           std::string::npos;
  });
  const int at_failure = answered();
  wait_for([&] { return answered() >= at_failure + 10; });
  stop = true;
  EXPECT_GE(before_flip, 10);
  for (auto& t : clients) t.join();

  ASSERT_FALSE(v2.empty()) << "the new version was never picked up";
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 20);
  EXPECT_EQ(server.Get("/v1/models/ar").Json().at("version"), v2);
  // Each version answered with its own model's prediction, one value per version.
  ASSERT_EQ(seen.size(), 2u);
  ASSERT_EQ(seen[v1.at("version")].size(), 1u);
  ASSERT_EQ(seen[v2].size(), 1u);
  const std::string scratch = finml::testing::TempDir("serve_reload_scratch");
  WriteFileAtomic(scratch + "/window.csv",
                  testing::TailCsv(finml::testing::RepoPath("data/aer_djia8012.csv"), n));
  for (const auto& [model_dir, version] :
       {std::pair{m.ar, v1.at("version").get<std::string>()}, std::pair{m.ar_v2, v2}}) {
    (void)run::PredictToCsv({model_dir, scratch + "/window.csv", scratch + "/pred.csv"});
    std::istringstream in(ReadFile(scratch + "/pred.csv"));
    std::string line, last;
    while (std::getline(in, line)) last = line;
    EXPECT_EQ(*seen[version].begin(), std::stod(last.substr(last.find(",ar,,") + 5)))
        << version << " " << last;
  }
  const std::string metrics = server.Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(finml_model_loads_total{model="ar",outcome="updated"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(finml_model_loads_total{model="ar",outcome="failed"} 1)"),
            std::string::npos)
      << metrics;
}

TEST(ServeReload, ModelsAppearAndDisappearWithTheirDirectories) {
  const auto& m = Models();
  const std::string dir = testing::ModelsDir("appear", {{"ar", m.ar}});
  ServeOptions o = testing::TestOptions(dir);  // reloads only when asked
  Running server(o);
  fs::create_directory_symlink(m.credit_logistic, dir + "/credit");
  EXPECT_EQ(server.Get("/v1/models/credit").status, 404);
  const auto summary = server.Post("/v1/admin/reload", nlohmann::json::object()).Json();
  EXPECT_EQ(summary.at("loaded"), nlohmann::json({"credit"}));
  EXPECT_EQ(server.Get("/v1/models/credit").status, 200);
  fs::remove(dir + "/ar");
  const auto removed = server.Post("/v1/admin/reload", nlohmann::json::object()).Json();
  EXPECT_EQ(removed.at("removed"), nlohmann::json({"ar"}));
  EXPECT_EQ(server.Get("/v1/models/ar").ErrorKind(), "unknown_model");
  EXPECT_EQ(server.Get("/v1/models").Json().at("models").size(), 1u);
}

// The version covers every file: state.json changed under the same manifest, with its size and
// modification time kept (as `cp -p` would), is a new version and is reloaded.
TEST(ServeReload, AChangeToAnyFileOfTheModelIsANewVersion) {
  const auto& m = Models();
  const std::string dir = finml::testing::TempDir("serve_any_file");
  fs::copy(m.credit_logistic + "/model", dir + "/credit", fs::copy_options::recursive);
  Running server(testing::TestOptions(dir));
  const std::string v1 = server.Get("/v1/models/credit").Json().at("version");
  const std::string state = dir + "/credit/state.json";
  const auto mtime = fs::last_write_time(state);
  std::string text = ReadFile(state);
  const auto at = text.find("\": ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 3, "\":\t");  // the same JSON, the same size, other bytes
  WriteFileAtomic(state, text);
  fs::last_write_time(state, mtime);
  const auto summary = server.Post("/v1/admin/reload", nlohmann::json::object()).Json();
  EXPECT_EQ(summary.at("updated"), nlohmann::json({"credit"})) << summary.dump();
  const std::string v2 = server.Get("/v1/models/credit").Json().at("version");
  EXPECT_NE(v1, v2);
}

TEST(ServeReload, ARunDirectoryServesEveryModelInIt) {
  const auto& m = Models();
  ServeOptions o =
      testing::TestOptions(fs::path(m.ar).parent_path().parent_path().string());  // runs/<id>
  Running server(o);
  std::vector<std::string> names;
  const auto list = server.Get("/v1/models").Json();
  for (const auto& model : list.at("models")) names.push_back(model.at("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"ar", "lstm", "random_walk"}));
}

TEST(ServeReload, StartingWithoutAnyModelIsAClearError) {
  ServeOptions o = testing::TestOptions(finml::testing::TempDir("serve_empty"));
  try {
    Server server(o);
    FAIL() << "expected an error";
  } catch (const finml::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no model could be loaded"), std::string::npos)
        << e.what();
  }
  o.models_dir = "/nonexistent/models";
  EXPECT_THROW(Server server(o), finml::Error);
}

}  // namespace
}  // namespace finml::serve

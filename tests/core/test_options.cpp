// Option schemas: one declaration gives strict reading, bounds, defaults, the effective
// configuration, and command-line flags, all with the place of the value at fault.
#include <gtest/gtest.h>

#include "finml/core/cli_options.hpp"
#include "finml/core/config_node.hpp"
#include "finml/core/options.hpp"

namespace finml::options_test {
namespace {

enum class Color { kRed, kGreen };

}  // namespace
}  // namespace finml::options_test

template <>
struct finml::EnumNames<finml::options_test::Color> {
  static constexpr std::string_view what = "color";
  static constexpr finml::NamedValue<finml::options_test::Color> values[] = {
      {finml::options_test::Color::kRed, "red"},
      {finml::options_test::Color::kGreen, "green"},
      {finml::options_test::Color::kGreen, "verde"}};
};

namespace finml::options_test {
namespace {

using namespace finml::options;

struct Inner {
  double rate = 0.5;
  static const options::Schema<Inner>& Schema() {
    static const auto s = [] {
      options::Schema<Inner> s;
      s.Add("rate", &Inner::rate, "a rate").Above(0).Below(1);
      return s;
    }();
    return s;
  }
};

struct Settings {
  std::size_t window = 250;
  double lambda = 0.94;
  bool on = false;
  std::string name = "x";
  Color color = Color::kRed;
  std::vector<double> levels = {0.99};
  std::optional<double> cap;
  std::optional<std::string> shape;
  std::vector<std::pair<std::string, double>> weights;
  Inner inner;                   // embedded: its keys at this level
  std::optional<Inner> section;  // a section: absent means none, bare means defaults
  std::size_t derived = 0;       // default: twice the window
  static const options::Schema<Settings>& Schema() {
    static const auto s = [] {
      options::Schema<Settings> s;
      s.Add("window", &Settings::window, "days").Min(20).Flag("--win");
      s.Add("lambda", &Settings::lambda, "decay").Above(0).Below(1);
      s.Add("on", &Settings::on, "switch").Switch("--off", "false");
      s.Add("name", &Settings::name, "a name").Names(OneOf({"x", "y"}, "name"));
      s.Add("color", &Settings::color, "a color");
      s.Add("levels", &Settings::levels, "levels").Above(0.5).Below(1);
      s.Add("cap", &Settings::cap, "a cap");
      s.Add("shape", &Settings::shape, "a shape or auto").NullWord("auto");
      s.Add("weights", &Settings::weights, "weights");
      s.Embed(&Settings::inner, Inner::Schema());
      s.Add("section", &Settings::section, "an optional section");
      s.Add("derived", &Settings::derived, "default: twice the window");
      s.Finish([](Settings& x, const ConfigNode& given, const std::string&) {
        if (!given.Has("derived")) x.derived = 2 * x.window;
      });
      s.Rule(
          "lambda", [](const Settings& x) { return x.lambda < x.inner.rate + 0.5; },
          "lambda must stay below rate + 0.5");
      return s;
    }();
    return s;
  }
};

std::string ErrorOf(const std::string& yaml) {
  try {
    (void)Settings::Schema().Parse(ConfigNode::FromYaml(yaml, "s.yaml"), "section");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Options, ReadsEveryKindOfValueAndFillsDefaults) {
  const Settings s = Settings::Schema().Parse(
      ConfigNode::FromYaml("window: 30\nlevels: [0.95, 0.99]\ncolor: verde\ncap: 2\nshape: "
                           "auto\nweights: {B: 0.25, A: 0.75}\nrate: 0.75\nsection:\n",
                           "s.yaml"),
      "section");
  EXPECT_EQ(s.window, 30u);
  EXPECT_EQ(s.lambda, 0.94);
  EXPECT_EQ(s.color, Color::kGreen);
  EXPECT_EQ(s.levels, (std::vector<double>{0.95, 0.99}));
  EXPECT_EQ(s.cap, 2.0);
  EXPECT_FALSE(s.shape.has_value());
  ASSERT_EQ(s.weights.size(), 2u);
  EXPECT_EQ(s.weights[0].first, "B") << "a mapping keeps its order";
  EXPECT_EQ(s.inner.rate, 0.75);
  ASSERT_TRUE(s.section.has_value()) << "a bare section asks for its defaults";
  EXPECT_EQ(s.section->rate, 0.5);
  EXPECT_EQ(s.derived, 60u);
  // The effective configuration has every key, in declaration order, and reads back the same.
  const Json j = Settings::Schema().ToJson(s);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"window", "lambda", "on", "name", "color", "levels", "cap",
                                      "shape", "weights", "rate", "section", "derived"}));
  EXPECT_EQ(j["color"], "green");
  EXPECT_EQ(j["shape"], "auto");
  // As --print-config output saved to a file and run.
  const Settings again = Settings::Schema().Parse(ConfigNode::FromYaml(j.dump(2), "p.yaml"), "");
  EXPECT_EQ(Settings::Schema().ToJson(again), j);
  EXPECT_FALSE(Settings::Schema().ToJson(Settings{}).contains("section"))
      << "an absent section is left out";
}

// Aliases and brackets cannot make a small file recurse without end or expand without bound.
TEST(Options, CyclicExponentialAndDeepYamlAreClearErrors) {
  auto error = [](const std::string& yaml) {
    try {
      (void)ConfigNode::FromYaml(yaml, "s.yaml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("a: &a [*a]\n").find("nested more than 100 levels deep (an alias that"),
            std::string::npos);
  std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i)
    laughs += fmt::format(
        "l{0}: &l{0} [*l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, "
        "*l{1}, *l{1}]\n",
        i, i - 1);
  EXPECT_NE(error(laughs).find("expands to more than 1000000 values"), std::string::npos);
  EXPECT_NE(error("a: " + std::string(100000, '[')).find("s.yaml:1:104: brackets nested more"),
            std::string::npos);
  EXPECT_EQ(error("a: '[[[[' # [[[\nb: [[1], {c: 2}]\n"), "");
}

TEST(Options, EveryErrorNamesThePlaceTheKeyAndTheFix) {
  EXPECT_EQ(ErrorOf("window: 5\n"),
            "s.yaml:1:9: 'section.window' is 5; it must be >= 20 (fix: give a value >= 20)");
  EXPECT_EQ(ErrorOf("lambda: 1.5\n"),
            "s.yaml:1:9: 'section.lambda' is 1.5; it must be in (0, 1) (fix: give a value in (0, "
            "1))");
  EXPECT_NE(ErrorOf("windw: 30\n")
                .find("s.yaml:1:1: unknown key 'windw' in 'section' (did you "
                      "mean 'window'?"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window: 30\nlambda: 0.5\nwindow: 40\n")
                .find("s.yaml:3:1: duplicate key 'window' (first given at s.yaml:1:1"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window: -3\n").find("'section.window' is -3; it must be >= 0"),
            std::string::npos);
  EXPECT_NE(ErrorOf("window: many\n").find("s.yaml:1:9: 'section.window' must be a whole number"),
            std::string::npos);
  EXPECT_NE(ErrorOf("color: blue\n")
                .find("s.yaml:1:8: 'section.color': unknown color 'blue' (did you mean"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: z\n").find("unknown name 'z'"), std::string::npos);
  EXPECT_NE(ErrorOf("levels: [0.99, 1.2]\n").find("s.yaml:1:16: 'section.levels[1]' is 1.2"),
            std::string::npos);
  EXPECT_NE(ErrorOf("on: maybe\n").find("must be true or false"), std::string::npos);
  EXPECT_NE(ErrorOf("weights: A=1,B\n").find("write NAME=VALUE pairs"), std::string::npos);
  EXPECT_NE(ErrorOf("rate: 0.1\nlambda: 0.7\n")
                .find("s.yaml:2:9: 'section.lambda': lambda must stay below rate + 0.5"),
            std::string::npos);
  EXPECT_NE(ErrorOf("lambda: .nan\n").find("must be a finite number"), std::string::npos);
  EXPECT_NE(ErrorOf("window: 0x20\n").find("must be a whole number"), std::string::npos)
      << "no hex";
  EXPECT_NE(ErrorOf("window: 99999999999999999999\n").find("is out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("lambda: 0x1p-1\n").find("must be a number"), std::string::npos);
  EXPECT_NE(ErrorOf("[1, 2]\n").find("'section' must be a mapping of keys"), std::string::npos);
}

TEST(Options, FlagsAreDerivedFromTheDeclarationAndCheckedByIt) {
  auto parse = [](std::vector<std::string> args) {
    CLI::App app;
    CliFlags flags;
    flags.Add(app, Settings::Schema());
    flags.AddSet(app, "overrides");
    std::vector<std::string> argv = {"prog"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    app.parse(static_cast<int>(raw.size()), raw.data());
    return Settings::Schema().Parse(flags.Collect(ConfigNode::Map("prog")), "settings");
  };
  const Settings s =
      parse({"--win", "30", "--levels", "0.95,0.975", "--color", "green", "--on", "--weights",
             "A=0.5,B=0.5", "--rate", "0.75", "--set", "section.rate=0.25", "--set", "lambda=0.5"});
  EXPECT_EQ(s.window, 30u);
  EXPECT_EQ(s.levels, (std::vector<double>{0.95, 0.975}));
  EXPECT_EQ(s.color, Color::kGreen);
  EXPECT_TRUE(s.on);
  EXPECT_EQ(s.weights.size(), 2u);
  EXPECT_EQ(s.inner.rate, 0.75);
  ASSERT_TRUE(s.section);
  EXPECT_EQ(s.section->rate, 0.25);
  EXPECT_EQ(s.lambda, 0.5);
  EXPECT_FALSE(parse({"--on", "--off"}).on) << "a switch sets its value";
  EXPECT_FALSE(parse({"--on=false"}).on);
  try {
    (void)parse({"--window", "5"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--window/--win: 'settings.window' is 5; it must be >= 20 (fix: give a value >= 20)");
  }
  try {
    (void)parse({"--set", "lamda=0.5"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--set lamda=0.5: unknown key 'lamda' in 'settings' (did "
                                         "you mean 'lambda'"),
              std::string::npos)
        << e.what();
  }
}

TEST(Options, CommandLineValuesUseTheSyntaxOfAnExperimentFile) {
  EXPECT_EQ(ConfigNode::FromText("[32, 16]", "--param").ToJson(), nlohmann::json({32, 16}));
  EXPECT_EQ(ConfigNode::FromText("{a: 1}", "--set").ToJson(), nlohmann::json({{"a", 1}}));
  EXPECT_EQ(ConfigNode::FromText("0.5", "--set").ToJson(), 0.5);
  EXPECT_EQ(ConfigNode::FromText("true", "--set").ToJson(), true);
  EXPECT_TRUE(ConfigNode::FromText("null", "--set").IsNull());
  EXPECT_EQ(ConfigNode::FromText("a: b: c", "--set").ToJson(), "a: b: c") << "not YAML: as is";
  EXPECT_EQ(ConfigNode::FromText("'5'", "--set").ToJson(), "5") << "quoted stays text";
}

TEST(Options, SetPathReachesNestedKeysAndListItems) {
  ConfigNode root = ConfigNode::FromYaml("models:\n  - {type: ar}\n  - {type: lstm}\n", "x.yaml");
  root.SetPath("models[1].params.epochs", ConfigNode::Scalar("2", "--set"));
  root.SetPath("split.train", ConfigNode::Scalar("0.6", "--set"));
  const auto j = root.ToJson();
  EXPECT_EQ(j["models"][1]["params"]["epochs"], 2);
  EXPECT_EQ(j["split"]["train"], 0.6);
  EXPECT_THROW(root.SetPath("models[5].type", ConfigNode::Scalar("x", "--set")), ConfigError);
}

TEST(Options, MergeKeysFillInWhatIsNotGiven) {
  const auto j =
      ConfigNode::FromYaml("a: &base {x: 1, y: 2}\nb:\n  <<: *base\n  y: 3\n", "m.yaml").ToJson();
  EXPECT_EQ(j["b"]["x"], 1);
  EXPECT_EQ(j["b"]["y"], 3);
}

}  // namespace
}  // namespace finml::options_test

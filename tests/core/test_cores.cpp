#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

#include "finml/core/cores.hpp"

namespace finml {

TEST(Cores, ACgroupQuotaIsRoundedUpToWholeCores) {
  EXPECT_EQ(CoresFromCpuMax("max 100000\n"), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax("200000 100000\n"), 2u);
  EXPECT_EQ(CoresFromCpuMax("150000 100000"), 2u);
  EXPECT_EQ(CoresFromCpuMax("50000 100000"), 1u);
  EXPECT_EQ(CoresFromCpuMax("garbage"), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax(""), std::nullopt);
  EXPECT_EQ(CoresFromCfsQuota(-1, 100000), std::nullopt);
  EXPECT_EQ(CoresFromCfsQuota(400000, 100000), 4u);
  EXPECT_EQ(CoresFromCfsQuota(1000, 100000), 1u);
}

TEST(Cores, AThreadPinnedToOneCoreIsToldItHasOne) {
  const unsigned before = UsableCores();
  EXPECT_GE(before, 1u);
  EXPECT_LE(before, std::max(1u, std::thread::hardware_concurrency()));
  // In a thread of its own, so the pin does not outlive the test.
  unsigned pinned = 0;
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    cpu_set_t current;
    ASSERT_EQ(sched_getaffinity(0, sizeof current, &current), 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &current)) {
        CPU_SET(cpu, &one);
        break;
      }
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    pinned = UsableCores();
  }).join();
  EXPECT_EQ(pinned, 1u);
  EXPECT_EQ(UsableCores(), before);
}

}  // namespace finml

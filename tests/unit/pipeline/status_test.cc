#include "sluice/status.h"

#include <gtest/gtest.h>

namespace sluice {

TEST(StatusTest, OkIsCheapAndSaysOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(sizeof(Status), sizeof(void*));
}

TEST(StatusTest, CodesClassifyForTheRuntime) {
  EXPECT_TRUE(Status::Transient("busy").IsTransient());
  EXPECT_FALSE(Status::Transient("busy").IsPermanent());
  EXPECT_TRUE(Status::Permanent("bad").IsPermanent());
  EXPECT_TRUE(Status::IOError("disk").IsPermanent());
  EXPECT_EQ(Status::Transient("busy").ToString(), "Transient: busy");
}

TEST(StatusTest, AnnotateAndCopy) {
  Status s = Status::NotFound("x.so").Annotate("loading plugin");
  EXPECT_EQ(s.message(), "loading plugin: x.so");
  Status copy = s;
  EXPECT_EQ(copy.ToString(), s.ToString());
  EXPECT_TRUE(Status::OK().Annotate("ctx").ok());
}

}  // namespace sluice

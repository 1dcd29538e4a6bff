#include "sluice/clean/simhash.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::clean {
namespace {

// An invented notice of typical length (the hash is tuned for notices of a few hundred
// characters and more).
const std::string kNotice =
    "各市教育局，区直各学校：\n2030年秋季学期开学在即，为确保家庭经济困难学生顺利入学，现就做好资助工作有关事项通知如下。\n"
    "一、做好新生入学资助。各高校要开通“绿色通道”，确保新生不因家庭经济困难而失学。对入学时无法缴纳学费的新生，"
    "先办理入学手续，再根据核实情况分别采取措施予以资助。\n"
    "二、精准认定资助对象。以防止返贫监测对象、脱贫家庭学生、低保家庭学生、特困供养学生、孤残学生等为重点，"
    "认真做好家庭经济困难学生认定工作，确保应助尽助。\n"
    "三、按时足额发放资金。各地各校要在秋季学期开学后两个月内完成国家助学金等资金的审核和发放，严禁截留、挤占、挪用资助资金。"
    "资金发放情况要在校内公示，接受师生和社会监督。\n"
    "四、加强资助育人。各校要把资助工作与思想政治教育、诚信教育、感恩教育结合起来，引导受助学生自立自强、回报社会。\n"
    "五、做好政策宣传。各地各校要通过家长会、校园网站、微信公众号等渠道宣传资助政策，让每一名学生和家长都知晓政策、用好政策。\n"
    "请各地于10月31日前将资助工作开展情况报送自治区学生资助管理中心。\n联系人：某某，电话：0000-0000000。";

TEST(SimhashTest, SameTextSameHashWhateverTheWhitespaceAndWidth) {
  uint64_t h = Simhash64(kNotice);
  EXPECT_NE(h, 0u);
  std::string rewrapped = kNotice;
  for (char& c : rewrapped)
    if (c == '\n') c = ' ';
  EXPECT_EQ(Simhash64(rewrapped), h);
  // Full-width vs ASCII digits fold under NFKC.
  EXPECT_EQ(Simhash64("２０２５年秋季学期开学在即，为确保家庭经济困难学生顺利入学"),
            Simhash64("2025年秋季学期开学在即，为确保家庭经济困难学生顺利入学"));
}

TEST(SimhashTest, SmallEditIsNearAndOtherTextIsFar) {
  uint64_t h = Simhash64(kNotice);
  std::string edited = kNotice + "\n特此通知。";
  EXPECT_LE(HammingDistance(h, Simhash64(edited)), 3);
  std::string other =
      "5月16日，教育部召开2024届高校毕业生就业“百日冲刺”专项行动视频调度会，部署各地各高校全力促进高校毕业生高质量充分就业。"
      "会议要求，各地各高校要把毕业生就业作为当前的重要任务，书记校长要亲自抓、带头访企拓岗。";
  EXPECT_GT(HammingDistance(h, Simhash64(other)), 10);
}

TEST(SimhashTest, TooShortTextHasNoHash) {
  EXPECT_EQ(Simhash64(""), 0u);
  EXPECT_EQ(Simhash64("通 知"), 0u);
}

}  // namespace
}  // namespace sluice::clean

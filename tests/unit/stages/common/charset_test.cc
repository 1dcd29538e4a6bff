#include "sluice/common/charset.h"

#include <gtest/gtest.h>

namespace sluice::common {
namespace {

// "教育部关于做好2024年招生工作的通知——附件" in GBK, written out byte by byte so the test needs
// no encoder. The dash pair is GBK A1AA A1AA, which strict GB2312 decoders get wrong.
std::string GbkSample() {
  std::string out;
  Status s = ConvertToUtf8("x", "GB18030", &out);  // sanity: converter available
  EXPECT_TRUE(s.ok());
  // 教 BDCC 育 D3FD 部 B2BF 通 CDA8 知 D6AA — A1AA
  return std::string("\xBD\xCC\xD3\xFD\xB2\xBF\xCD\xA8\xD6\xAA\xA1\xAA\xA1\xAA");
}

TEST(CharsetTest, GbkDeclaredGb2312DecodesAsGb18030WithEmDash) {
  std::string html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>" +
                     GbkSample() + "</body></html>";
  DecodedText d;
  ASSERT_TRUE(DecodeHtml(html, "text/html", &d).ok());
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.method, "meta");
  EXPECT_EQ(d.declared, "gb2312");
  EXPECT_FALSE(d.lossy);
  EXPECT_NE(d.utf8.find("教育部通知——"), std::string::npos) << d.utf8;  // U+2014, not U+2015
}

TEST(CharsetTest, Utf8BytesWinOverALyingDeclaration) {
  std::string html = "<meta charset=\"gb2312\"><p>关于开展2025年教育督导评估的通知</p>";
  DecodedText d;
  ASSERT_TRUE(DecodeHtml(html, "text/html; charset=GBK", &d).ok());
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.method, "utf8");
  EXPECT_EQ(d.declared, "gbk");
  EXPECT_EQ(d.utf8, html);
}

TEST(CharsetTest, HttpHeaderBeatsMetaWhenBothDecode) {
  std::string html = "<meta charset=\"big5\"><p>" + GbkSample() + "</p>";
  DecodedText d;
  ASSERT_TRUE(DecodeHtml(html, "text/html;charset=\"GBK\"", &d).ok());
  EXPECT_EQ(d.method, "http");
  EXPECT_EQ(d.charset, "GB18030");
}

TEST(CharsetTest, UndeclaredGbkIsDetected) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += GbkSample();
  DecodedText d;
  ASSERT_TRUE(DecodeHtml("<p>" + body + "</p>", "", &d).ok());
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_TRUE(d.method == "detected" || d.method == "default") << d.method;
  EXPECT_NE(d.utf8.find("教育部"), std::string::npos);
}

TEST(CharsetTest, BomAndBinary) {
  DecodedText d;
  ASSERT_TRUE(DecodeHtml("\xEF\xBB\xBF<p>通知</p>", "text/html; charset=gbk", &d).ok());
  EXPECT_EQ(d.method, "bom");
  EXPECT_EQ(d.utf8, "<p>通知</p>");
  Status s = DecodeHtml(std::string("%PDF-1.4\0\0\x01\x02", 12), "", &d);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

TEST(CharsetTest, InvalidBytesBecomeReplacementAndAreReported) {
  std::string out;
  bool lossy = false;
  ASSERT_TRUE(ConvertToUtf8("ok\xFF\xFE", "utf-8", &out, &lossy).ok());
  EXPECT_TRUE(lossy);
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // an overlong '/'
  EXPECT_TRUE(ConvertToUtf8("x", "no-such-charset", &out).IsNotFound());
}

TEST(CharsetTest, LabelsAndParsers) {
  EXPECT_EQ(CanonicalCharset("GB2312"), "GB18030");
  EXPECT_EQ(CanonicalCharset("x-gbk"), "GB18030");
  EXPECT_EQ(CanonicalCharset("utf8"), "UTF-8");
  EXPECT_EQ(CanonicalCharset("bogus-cs"), "");
  EXPECT_EQ(CharsetFromContentType("text/html; Charset=UTF-8"), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromMeta("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb2312'>"), "gb2312");
}

}  // namespace
}  // namespace sluice::common

#include "person_names.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace sluice::segment {

namespace {

// About 250 of the most frequent single-character surnames.
constexpr std::u32string_view kSurnames =
    U"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    U"魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    U"万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    U"祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    U"艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    U"姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

constexpr std::u32string_view kCompoundSurnames[] = {
    U"欧阳", U"司马", U"上官", U"诸葛", U"东方", U"皇甫", U"尉迟", U"公孙",
    U"慕容", U"长孙", U"宇文", U"司徒", U"夏侯", U"令狐", U"端木", U"西门",
};

const std::vector<char32_t>& SortedSurnames() {
  static const std::vector<char32_t> sorted = [] {
    std::vector<char32_t> v(kSurnames.begin(), kSurnames.end());
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return sorted;
}

}  // namespace

bool IsSurname(char32_t c) {
  const auto& v = SortedSurnames();
  return std::binary_search(v.begin(), v.end(), c);
}

bool IsCompoundSurname(char32_t first, char32_t second) {
  for (std::u32string_view s : kCompoundSurnames) {
    if (s[0] == first && s[1] == second) return true;
  }
  return false;
}

}  // namespace sluice::segment

package answers

import (
	"strings"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/locales"
)

// Arabic as people in Antwerp type it is seldom the Standard Arabic of
// the file's wordings: Moroccan (Darija), Levantine and Iraqi speakers
// write "بغيت خدمة" or "بدي شغل" for "أريد عملا", "ولادي" for "أطفالي",
// "ماعنديش ديبلوم" for "ليس لدي شهادة", and the organisations' names
// in Arabic letters ("ڤداب", "اوسيمو", "سي في"). The Snowball stemmer
// knows none of these, and strips a first و, ف or ب that belongs to the
// word ("فلوس" becomes "لوس"). arabicWords brings the folded words of a
// message, and of the wordings alike, to one Standard form before they
// are stemmed: the everyday synonyms of arabicSynonyms, found also
// behind an attached و, ف, ب, ل or the article and before a possessive
// ending; the Darija negation around a word ("ماعنديش", "مانقدرش") cut
// to "ما" and the word; the possessive particles ("ديالي", "تبعي")
// dropped, since they say only "mine".

// arabicSynonyms maps, per Standard word, the colloquial and loan words
// (and the spellings of Standard words) people write for it. They are
// words of the language, not of one entry: each may serve any question.
var arabicSynonyms = map[string]string{
	// Question and small words; they ask nothing alone (asksNothing).
	"ماذا":  "شنو شنوا شنهو اشنو واشنو شو شوه ايش اشو شني",
	"هل":    "واش",
	"كيف":   "كيفاش كيفاه شلون شلونه كيفية",
	"اين":   "وين فين فاين وينو فينو وينها",
	"لماذا": "ليش علاش علاه ليه لويش",
	"متى":   "امتى امتا ايمتى وقتاش فوقاش ايمتا",
	"كم":    "شحال قداش قديش بقديش بشحال بقداش",
	"ليس":   "مش موش ماشي مشي مانيش",
	"اريد":  "بغيت نبغي كنبغي بغينا ابغى ابغي ابي ابا بدي بدنا حاب حابب حابه ودي نحب كنحب اود",
	"يجب":   "خاصني خصني خاصنا خصنا لازم لازمني يلزمني ضروري مجبور",
	"يمكن":  "نقدر كنقدر اقدر بقدر فيني ممكن بامكاني يمكنني استطيع نستطيع اقدر",
	"الان":  "دابا دروك هلق هلا هلأ توا",
	"غدا":   "غدوه غدوا بكرا بكره",
	"جدا":   "بزاف برشا كتير كثير",
	"شخص":   "حدا بنادم بني_ادم انسان",
	// Work, money, paying, free.
	"عمل":   "خدمه خدمتي خدام خدامه نخدم كنخدم نخدمو يخدم تخدم شغل شغله شغلي الشغل بشتغل نشتغل اشتغل يشتغل تشتغل عم_اشتغل اشتغال العمل",
	"ابحث":  "نقلب كنقلب نقلبو بدور ندور كندور ندورو عم_دور ندوّر بفتش نفتش افتش",
	"مال":   "فلوس الفلوس مصاري المصاري مصريات دراهم الدراهم نقود النقود بيزطه",
	"ادفع":  "نخلص نخلصو كنخلص بدفع ندفع الخلاص",
	"مجاني": "مجانا بالمجان مجانيه مجانى بلاش ببلاش فابور بفابور غراتوي غراتيس",
	// People and family.
	"اطفال": "ولاد اولاد ولادي اولادي وليدات وليداتي دراري الدراري ولد اطفالي طفلي الاطفال بزوره بزورتي جهال جهالي صغاري عيالي",
	"حضانه": "كريش الكريش كريشه روض روضه الروضه الحضانه دار_الحضانه قارديري غارديري",
	"شباب":  "شاب شابه الشباب صغير_السن",
	// Learning, diplomas, languages.
	"دراسه":   "قرايه القرايه قريت دراستي الدراسه",
	"شهاده":   "ديبلوم دبلوم الديبلوم الدبلوم ديبلومي دبلومي شهادتي الشهاده شهاده",
	"تدريب":   "تكوين التكوين فورماسيون الفورماسيون تربص ستاج الستاج تدريبات التدريب",
	"دروس":    "كورس الكورس كورسات الكورسات كور",
	"هولنديه": "الهولنديه هولندي بالهولندي بالهولنديه الهولندي فلاماني الفلاماني فلامانيه الفلامانيه بالفلاماني فلامنكي الفلمنكيه فلمنكي نيرلاندي النيرلاندي نيدرلاندي نيذرلاندي الهولانديه هولاندي",
	"عربيه":   "عربي العربي العربيه بالعربي بالعربيه الدارجه دارجه بالدارجه",
	"لغه":     "اللغه لوغه لغتي",
	// Organisations, papers, places, time.
	"vdab":       "ڤداب فداب فيداب الفداب الڤداب فدب",
	"ocmw":       "اوسيمو اوسمو لوسيمو الاوسيمو اوسيموه سيپاس سيباس السيباس cpas",
	"cv":         "سيفي السيفي سي_في",
	"اعانه":      "شوماج الشوماج شوماش الشوماش شوماچ اعانتي الاعانه",
	"موعد":       "رونديفو الرونديفو رانديفو الرانديفو معاد المعاد ميعاد الميعاد موعدي مواعيدي",
	"اوراق":      "وراق الوراق كواغط الكواغط لكواغط الاوراق وثائق الوثائق",
	"بطاقه":      "كارط الكارط لاكارط كارطه الكارطه كارت الكارت",
	"عنوان":      "لادريس لادريسه العنوان",
	"حافله":      "طوبيس الطوبيس باص الباص",
	"ترام":       "طرام الطرام ترامواي الترامواي تراموي",
	"هاتف":       "تيليفون التيليفون تلفون التلفون تليفون بورطابل",
	"رقم":        "نمره النمره نمرو",
	"مكتب":       "بيرو البيرو المكتب",
	"اتكلم":      "نهضر كنهضر نهدر نحكي بحكي احكي تحكي تهضر نتكلم تتكلم كتهضر بتحكي كتفهم اتحدث نتحدث تتحدث التحدث التكلم",
	"اتصال":      "نعيط عيط عيطو نتصل اتصل",
	"رساله":      "ميساج الميساج مساج مسج",
	"ذكرني":      "فكرني فكروني تفكرني تفكروني ذكروني",
	"احضر":       "نجيب اجيب بجيب جيب نجيبو نحضر",
	"احذف":       "نمسح امسح مسح نحيد حيد نشيل شيل احذفو امسحو",
	"بيانات":     "داتا الداتا معطيات المعطيات معلوماتي بياناتي",
	"مترجم":      "ترجمان الترجمان مترجمه",
	"اعاقه":      "هانديكاب الهانديكاب هنديكاب معاق",
	"تغيير":      "نبدل بدل نبدلو نغير اغير تبديل",
	"الغاء":      "نلغي الغي نلغيو نكنسل كنسل انولي نانولي",
	"تاجيل":      "نأجل نأجلو اجل بأجل نوخر نأخر نأخرو",
	"يوجد":       "اكو كاين كاينه كاينين فيه",
	"من":         "شكون مين منو",
	"انتم":       "نتوما انتو انتوما",
	"انت":        "نتا نتي انتي",
	"عني":        "عليا",
	"كل":         "كلشي كل_شي كلشيء",
	"بدون":       "بلا",
	"اجد":        "نلقى نلقا نلاقي بلاقي القى لقيت لقى",
	"اصل":        "نوصل اوصل بوصل نوصلو",
	"اخذ":        "ناخد ناخذ اخد باخد",
	"ارى":        "نشوف اشوف بشوف شوف",
	"ارني":       "ورجيني وريني فرجيني",
	"تعرفون":     "كتعرفو تعرفو بتعرفوا",
	"افعل":       "ندير دير تدير نديرو",
	"اعرف":       "بعرف نعرف كنعرف",
	"اكمل":       "كملت نكمل كمل",
	"تعلم":       "نتعلم اتعلم بتعلم نقرا نقرى اقرا نقراو ادرس ندرس",
	"تسجيل":      "نتسجل اتسجل نسجل سجل انسجل بسجل التسجيل",
	"انسى":       "ننسى بنسى",
	"تذكير":      "تنبيه التنبيه اشعار الاشعار",
	"ترسلون":     "تبعتولي بتبعتو ترسلو تصيفطو كتصيفطو صيفط نصيفط",
	"اجابه":      "جواب جوابي الجواب اجوبه اجاباتي اجابات الاجابات اجابتي",
	"ملف":        "بروفيل البروفيل بروفايل البروفايل",
	"خطا":        "غلط غلطت الغلط",
	"اصحح":       "نصلح اصلح نصحح صحح",
	"تعديل":      "عدل نعدل اعدل",
	"معادله":     "نعادل اعادل عادل يعادل تعادل",
	"اعتراف":     "معترف الاعتراف يعترف كتعترف تعترف",
	"naric":      "ناريك الناريك",
	"مرشد":       "كوتش الكوتش مستشار المستشار موجه",
	"مشاكل":      "مشكل مشكله",
	"قطاع":       "مجال المجالات مجالات ميدان",
	"ميناء":      "البور لابور البورط",
	"بناء":       "البني",
	"ورشه":       "شانطي الشانطي شانتي",
	"oosterweel": "اوستيرفيل اوسترفيل اوستيرويل",
	"leefloon":   "ليفلون الليفلون لفلون",
	"اخصائي":     "اسيستانت",
	"اجتماعي":    "سوسيال",
	"فرنسيه":     "فرنساويه الفرنساويه الفرنسيه بالفرنساوي فرنساوي",
	"اكتب":       "نكتب بكتب",
	"مدينه":      "البلديه بلديه لافيل",
	"يوم":        "نهار النهار",
	"تكلفه":      "كيسوا يسوى كيسوى بيكلف كيكلف يكلف تكلف",
}

// arabicPossessives say only "mine", "yours": in Darija and Levantine
// a word of their own after the noun.
var arabicPossessives = set("ديالي ديالك ديالنا ديال تبعي تبعك تبعنا تبع تاعي تاعك متاعي متاعك حقي حقك")

// arabicSynonym is the Standard word of each folded colloquial word.
var arabicSynonym = func() map[string]string {
	m := map[string]string{}
	for std, words := range arabicSynonyms {
		s := fold(std)
		for _, w := range strings.Fields(words) {
			if w := fold(strings.ReplaceAll(w, "_", " ")); w != s {
				m[w] = s
			}
		}
	}
	return m
}()

// fold is Fold for Arabic, with the letters the Snowball stemmer knows
// (ي and ك, not the Persian ی and ک that Fold writes) and the Persian
// letters some keyboards give for sounds Arabic writes otherwise (ڤ as ف,
// گ as ك, پ as ب, چ as ج).
func fold(s string) string {
	return arabicLetters.Replace(locales.Fold("ar", s))
}

var arabicLetters = strings.NewReplacer("ی", "ي", "ک", "ك", "ڤ", "ف", "گ", "ك", "پ", "ب", "چ", "ج")

// arabicPrefixes and arabicSuffixes are the clitics an arabicSynonym is
// also found behind (longest first, after none): "وبالفلوس", "لولادي",
// "كورساتي".
var arabicPrefixes = []string{"", "وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل"}
var arabicSuffixes = []string{"", "كم", "هم", "ها", "نا", "ي", "ك", "ه", "و"}

// arabicWords are the words of s as the index compares them (see the
// comment at the top of this file).
func arabicWords(s string) []string {
	words := strings.Fields(fold(s))
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) {
			if std, ok := arabicSynonym[w+" "+words[i+1]]; ok {
				out = append(out, std)
				i++
				continue
			}
		}
		if arabicPossessives[w] {
			continue
		}
		if i > 0 && words[i-1] == "ما" && utf8.RuneCountInString(w) >= 4 && strings.HasSuffix(w, "ش") {
			// "ما كنهضرش": the negation in two words.
			w = strings.TrimSuffix(w, "ش")
		}
		if n := utf8.RuneCountInString(w); n >= 5 && strings.HasPrefix(w, "ما") && strings.HasSuffix(w, "ش") {
			// Darija negation: "ماعنديش" is "ما عندي".
			out = append(out, "ما")
			w = strings.TrimSuffix(strings.TrimPrefix(w, "ما"), "ش")
		}
		out = append(out, arabicStandard(w))
	}
	return out
}

// arabicStandard is w's Standard word, if w is one of arabicSynonyms
// alone or with clitics, else w.
func arabicStandard(w string) string {
	if std, ok := arabicSynonym[w]; ok {
		return std
	}
	for _, p := range arabicPrefixes {
		rest := strings.TrimPrefix(w, p)
		if rest == w && p != "" {
			continue
		}
		for _, s := range arabicSuffixes {
			core := strings.TrimSuffix(rest, s)
			if (core == rest && s != "") || utf8.RuneCountInString(core) < 3 {
				continue
			}
			if std, ok := arabicSynonym[core]; ok {
				return std
			}
			if s != "" && strings.HasSuffix(core, "ت") {
				// "شهادتي", "خدمتك": a ta marbuta before an ending.
				if std, ok := arabicSynonym[strings.TrimSuffix(core, "ت")+"ه"]; ok {
					return std
				}
			}
		}
	}
	return w
}

import Datasets
import Testing

@Suite struct PictureFileNameTests {
  @Test func flatNamesAreOnePathComponent() {
    #expect(Dataset.flatFileName("train/2007_000032") == "train_2007_000032")
    #expect(Dataset.flatFileName("a\\b") == "a_b")
    #expect(Dataset.flatFileName("..") == "_")
    #expect(Dataset.flatFileName(".") == "_")
    #expect(Dataset.flatFileName("") == "_")
    #expect(Dataset.flatFileName("selective-search") == "selective-search")
  }

  @Test func pictureNamesDropTheExtensionAndEndInPNG() {
    #expect(Dataset.pictureFileName(for: "cat.jpg") == "cat.png")
    #expect(Dataset.pictureFileName(for: "train/cat.JPEG") == "train_cat.png")
    #expect(Dataset.pictureFileName(for: "a.b/c") == "a.b_c.png")
    #expect(Dataset.pictureFileName(for: "noextension") == "noextension.png")
    #expect(Dataset.pictureFileName(for: "..") == "_.png")
  }
}

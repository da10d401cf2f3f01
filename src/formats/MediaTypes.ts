/**
 * A URL's media type from its file extension, for the translators that must name one (Gemini's
 * fileData, the image-type checks): an image or document given by URL carries no type of its own.
 */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf"
}

/** The media type a URL's extension names, or undefined when it names none we know. */
export const mediaTypeOfUrl = (url: string): string | undefined => {
  const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase()
  return ext === undefined ? undefined : BY_EXTENSION[ext]
}

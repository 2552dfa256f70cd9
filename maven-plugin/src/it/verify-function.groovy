// Checks the sample project samples/function after the invoker built it with `verify` (maven-plugin's pom).
// Expected values are Lambda's documented limits and all-MiniLM-L6-v2's published shape, not lambert's own figures.
import groovy.json.JsonSlurper
import java.util.zip.ZipFile

// projectDir: the cloned sample (the invoker's scriptVariables); basedir is this script's folder.
def lambert = new File(projectDir, 'target/lambert')
def zip = new File(lambert, 'function.zip')
assert zip.isFile() : "no function zip at ${zip}"

// AWS Lambda quotas: 50 MB zipped for a direct upload, 250 MB unzipped.
assert zip.length() < 50L * 1024 * 1024 : "${zip} is ${zip.length()} bytes, over Lambda's 50 MB direct upload"
long unzipped = 0
def names = []
new ZipFile(zip).withCloseable { z ->
    z.entries().each { e -> unzipped += e.size; names << e.name }
}
assert unzipped < 250L * 1024 * 1024 : "${zip} unzips to ${unzipped} bytes, over Lambda's 250 MB"
assert names.any { it.startsWith('model/') } : "no model/ in ${zip}: ${names}"
assert names.any { it ==~ /lib\/lambert-lambda-.*\.jar/ } : "no lambert-lambda jar in ${zip}: ${names}"
assert !names.any { it ==~ /lib\/lambert-(toolkit|cli|onnx|maven-plugin)-.*/ } : "build-time jars in ${zip}: ${names}"
// all-MiniLM-L6-v2's tokenizer is BERT WordPiece, which lambert tokenizes in Java: no Hugging Face tokenizer library,
// nor the jars only its binding needs (DJL's tokenizers and api, SLF4J).
assert !names.contains('native/libtokenizers.so') : "libtokenizers.so in ${zip}: ${names}"
assert !names.any { it ==~ /lib\/(tokenizers|api|slf4j-api|slf4j-nop)-\d.*\.jar/ } : "tokenizer binding jars in ${zip}: ${names}"
assert new File(lambert, 'function.json').isFile()

// lambert:emulate answered: all-MiniLM-L6-v2 gives 384 numbers per text, normalised to length 1.
def answer = new JsonSlurper().parse(new File(lambert, 'emulate-response.json'))
def vector = answer.embeddings ? answer.embeddings[0] : answer.embedding
assert vector != null : "no embedding in the emulated answer: ${answer}"
assert vector.size() == 384 : "expected 384 dimensions, found ${vector.size()}"
double norm = Math.sqrt(vector.collect { it * it }.sum())
assert Math.abs(norm - 1.0d) < 1e-3 : "expected a unit vector, found length ${norm}"

// lambert:template wrote a SAM template pointing at the zip.
def template = new File(lambert, 'template.yaml').text
assert template.contains('AWS::Serverless::Function')
assert template.contains('CodeUri: "function.zip"')

def log = new File(projectDir, 'build.log').text
assert log.contains('REPORT RequestId:') : 'no REPORT line from lambert:emulate in build.log'
assert log.contains('lambert: PASS') : 'lambert:verify did not pass'
assert log.contains('embed-function-1.0.0-SNAPSHOT-lambda.zip') : 'the zip was not attached'
return true

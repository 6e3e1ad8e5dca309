"""Words for learner codes: 1024 short, common, neutral English words."""

# Chosen by hand to be easy to read aloud and write down, and to carry nothing a person in
# recovery would mind seeing: no drug slang, body, death, violence, religious or rude words.
# Codes are looked up by the hash of their text, not by word index, so the order never matters
# and swapping a word later breaks no existing code; keep the count at 1024 (10 bits a word).
WORDS: tuple[str, ...] = tuple(
    """
    acorn agile album almond alpaca alpine amber ample anchor ancient angle answer ant anthem
    anvil apple apricot apron arch arctic artist aspen atlas atom attic author autumn avenue
    avocado azure badge badger bagel baker bakery balance balcony ballad bamboo banana banjo
    banner barber bark barley barn basil basket bathtub bay beach beacon bead beagle beam beanie
    bear bee beech beet beetle beige bell bench berry bike birch biscuit bison blanket bloom
    blossom boat bobcat bold bolt bonnet book boot border boulder box branch brass brave bread
    breeze breezy brick bridge bright brisk bronze brooch brook broom brush buffalo build bulb
    bun bunny burrito burrow bus butter button byte cabbage cabin cabinet cable cake calm camel
    camera camp campus canary candle canoe canopy canter canvas canyon capital captain car
    caramel careful carpet carrot carry cartoon castle cave cedar celery cellar cello cereal
    chair chalet chapter cheer cheery cheetah chef chess chili chime chimney chirp chisel cinema
    circle circus city clam clay clever cliff climb clock closet cloud clover coach coast
    coastal cobbler cocoa coconut coffee coin collie comet comfort comic compass concert cone
    cookie cool copper coral corn cosmic cottage couch coupon courage courier cove cozy craft
    crane crate crater crayon cream creek cricket crisp crumble cub cube cupcake curator curly
    current curry curtain curve cushion custard cyan cycling dahlia daisy dance dancer data dawn
    deck deer delight den denim desert desk dew diamond diary dill disco dive dock dolphin dome
    domino donkey doodle door dot dough draw drawer dream dress drift driver drum duck dune dusk
    eager eagle early east easy echo eclipse editor eel elegant elk elm encore engine eraser
    essay evening explore fable fabric fair falcon fan fancy farm farmer fawn feather fence fern
    ferret festive field fig finch fine fir firefly fish fisher flag flannel flint float floral
    florist flour fluffy flute flutter foal fog fold folder folk forest fork fortune fox frame
    freedom fresh fridge frisbee frog frost fudge fuzzy gadget galaxy gallery gallop garage
    garden garlic gate gather gazelle gecko gem gentle giant gift gifted giraffe glacier glad
    gleam glide globe glossy glove glow goal goat golden golf goose grain grand granite granola
    grape gravel gravy gray great green grid grocer grove grow guide guitar gull guppy gust
    haiku hail hallway hamlet hammock hamster handy happy harbor hardy hare harmony harp harvest
    hat hawk hay hazel heater heather hedge helmet help helpful heron hike hill hippo hive
    hockey holly honest honey hop hope hopeful horizon hour hum humble hut idea igloo indigo
    iron island ivory ivy jacket jade jaguar jam janitor jar jasmine jay jazz jelly jet jewel
    jeweler jog jolly journal journey joyful juggle jump jungle kale kayak keen keeper kernel
    kettle khaki kind kindly kitchen kite kitten kiwi knit knot koala ladybug lagoon lake lamp
    lane lantern laptop large lark laser latte laugh laundry laurel lawn leaf leafy learn
    leather leek legend lemon lens leopard letter lettuce lever library lift light lilac lime
    linen lion listen little lively lizard llama loaf lobby lobster locket lodge loft lofty logo
    loyal lucky lynx lyric magnet magpie mailbox mango manor map maple marble marker market
    maroon marsh mason maze meadow medal melody melon mentor merry metal meteor mighty mild milk
    mill mindful mint minute mist misty mitten mocha modern modest moment month moon moonlit
    moose mop morning moss mossy moth motor motto mouse muffin museum nacho napkin nation navy
    neat nectar neon nest netball newt nimble noble noodle nook noon north note novel oak oar
    oasis oat oatmeal ocean octopus olive onion opal opera orange orbit orca orchard orchid
    ostrich otter oval oven owl oyster paddle page paint painter palace pan pancake panda
    panther parade parcel park parrot parsley pasta pastry path patio pattern peach peak peanut
    pear pearl pebble pelican pen pencil penguin penny peony pepper petal phone photo piano
    pickle picnic pie pier pigeon pillow pilot pine pink pioneer piper pitcher pixel pizza plain
    plan plane planet plant plate playful plum plumber poem poet polar polite pollen pond pony
    poodle pool popcorn poplar porch port possum poster potato potter prairie pretzel prime
    prompt proud prune pudding puddle puffin puma pumpkin pup puppy puzzle pyramid quail quest
    quick quiet quilt quiz rabbit raccoon radar radiant radio radish raft rain rainbow rainy
    raisin rake ranch ranger rapid rapids ray read ready receipt red reed reward rhino rhythm
    ribbon rice riddle ridge ripple river road robe robin robot robust rocket roof rose rosy
    rover row rowing royal ruby rug rugby rugged ruler rural rust rustic saddle saga sage sail
    sailing sailor salad salmon salsa sand sandal sandy satin scarf scarlet school scone scooter
    scout seal season seaweed seed serene sew shadow share shed sheep shelf shell shimmer shine
    shiny ship shirt shoe shore shovel shower shrub shuttle signal silk silky silver simple sing
    singer skate sketch ski skillet skirt sky sled sleek slipper slope smart smile smith smooth
    snail sneaker snug soap soar soccer sock sofa soft soil solid song sonnet sort soup south
    spade spark sparkle sparrow speak sphere spinach splash sponge spring sprint sprout spruce
    square squash squid stack stair stamp star starlit station statue steady steel stellar stem
    step stew stork storm stormy story stream street string stripe stroll studio sturdy suburb
    subway success summer summit sun sunbeam sunlit sunny sunrise sunset superb surf sushi swan
    sweater sweet swift swim switch symbol table taco tailor tale tan tango tangy tape tassel
    taxi teach teacher teacup teal teapot tennis tent terrace theater thread thunder thyme
    ticket tide tidy tiger tile timber tin tiny toad toffee tofu token tomato topaz toucan towel
    tower town tractor trail train travel tray triumph trophy trot trout truck trumpet trunk
    tuba tulip tuna tune tunnel turnip turtle tutor twig twinkle unique uptown urban useful
    usher valley van vanilla vase vast velvet veranda verse vest vibrant victory village vine
    violet violin vital vivid volcano voyage waffle waiter walk walnut walrus waltz wander warm
    watch wave wavy weave weaver weekend welcome west whale wheat wheel whisk whisper whistle
    widget willow wind window windy winter wise wish witty wizard wolf wonder woods wool wrap
    wren wrench write writer yacht yard yarn year yellow yogurt zebra zesty zipper
    """.split()
)
